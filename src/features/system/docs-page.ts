// A self-contained API reference page rendered on the server from the OpenAPI document: no CDN, no script,
// so it works offline and under a strict Content-Security-Policy.

type Json = Record<string, unknown>;

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

function asObject(value: unknown): Json {
  return value && typeof value === "object" ? (value as Json) : {};
}

function renderParameters(parameters: unknown): string {
  if (!Array.isArray(parameters) || parameters.length === 0) return "";
  const rows = parameters
    .map((raw) => {
      const p = asObject(raw);
      const schema = asObject(p.schema);
      return `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${escapeHtml(
        schema.type ?? "",
      )}</td><td>${p.required ? "yes" : "no"}</td></tr>`;
    })
    .join("");
  return `<table><thead><tr><th>parameter</th><th>in</th><th>type</th><th>required</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function renderBody(body: unknown): string {
  const content = asObject(asObject(body).content);
  return Object.entries(content)
    .map(
      ([type, media]) =>
        `<p>Body <code>${escapeHtml(type)}</code></p><pre>${escapeHtml(JSON.stringify(asObject(media).schema ?? {}, null, 2))}</pre>`,
    )
    .join("");
}

function renderResponses(responses: unknown): string {
  const items = Object.entries(asObject(responses))
    .map(
      ([status, raw]) =>
        `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(asObject(raw).description ?? "")}</li>`,
    )
    .join("");
  return `<ul>${items}</ul>`;
}

export function renderDocsPage(document: unknown): string {
  const doc = asObject(document);
  const info = asObject(doc.info);
  const sections = Object.entries(asObject(doc.paths))
    .flatMap(([path, rawItem]) => {
      const item = asObject(rawItem);
      return METHODS.filter((method) => method in item).map((method) => {
        const op = asObject(item[method]);
        const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");
        return `<section id="${escapeHtml(id)}"><h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(
          path,
        )}</code></h2><p>${escapeHtml(op.summary ?? "")}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ""}${renderParameters(
          op.parameters,
        )}${renderBody(op.requestBody)}<h3>Responses</h3>${renderResponses(op.responses)}</section>`;
      });
    })
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title ?? "API")} reference</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
section{border-top:1px solid #dde;padding:.5rem 0}pre{background:#f4f5f8;padding:.75rem;overflow:auto;font-size:13px}
table{border-collapse:collapse}td,th{border:1px solid #dde;padding:.2rem .5rem;text-align:left}
.m{display:inline-block;min-width:4.5rem;font-size:13px;color:#fff;border-radius:4px;text-align:center;padding:0 .3rem}
.get{background:#2c7a4b}.post{background:#2459a6}.put,.patch{background:#8a5a00}.delete{background:#a33}</style></head>
<body><h1>${escapeHtml(info.title ?? "API")} <small>${escapeHtml(info.version ?? "")}</small></h1>
<p>${escapeHtml(info.description ?? "")}</p><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a></p>
${sections}</body></html>`;
}
