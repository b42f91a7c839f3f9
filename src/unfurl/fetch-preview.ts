// Fetches a page for a link preview: re-checked redirects, a timeout, a byte cap, and metadata parsed from the head.
import { checkUrl } from "./url-policy";

export interface LinkPreview {
  url: string;
  title: string | null;
  description: string | null;
  image: string | null;
  siteName: string | null;
}

export type PreviewResult = { ok: true; preview: LinkPreview } | { ok: false; reason: string };

export interface PreviewOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
}

const clean = (value: string | null | undefined, max: number) => {
  const text = value?.replace(/\s+/g, " ").trim();
  return text ? text.slice(0, max) : null;
};

/** Reads at most `max` bytes of a body, then cancels the rest. */
async function readCapped(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const out = new Uint8Array(Math.min(length, max));
  let offset = 0;
  for (const chunk of chunks) {
    const take = chunk.subarray(0, out.length - offset);
    out.set(take, offset);
    offset += take.byteLength;
    if (offset >= out.length) break;
  }
  return out;
}

/** `location` resolved against `base`, or null when it does not parse (a redirect to `http://[`). */
function resolve(location: string, base: URL): string | null {
  try {
    return new URL(location, base).href;
  } catch {
    return null;
  }
}

/** Open Graph first, then the document's own title and description. */
async function parseHead(html: Uint8Array, base: URL): Promise<Omit<LinkPreview, "url">> {
  const meta: Record<string, string> = {};
  let title = "";
  let inTitle = false;
  const rewriter = new HTMLRewriter()
    .on("meta", {
      element(el) {
        const key = (el.getAttribute("property") ?? el.getAttribute("name") ?? "").toLowerCase();
        const content = el.getAttribute("content");
        if (key && content && !(key in meta)) meta[key] = content;
      },
    })
    .on("title", {
      element() {
        inTitle = true;
      },
      text(chunk) {
        if (inTitle) title += chunk.text;
        if (chunk.lastInTextNode) inTitle = false;
      },
    });
  await rewriter.transform(new Response(html, { headers: { "Content-Type": "text/html" } })).arrayBuffer();
  let image: string | null = null;
  const rawImage = meta["og:image"] ?? meta["twitter:image"];
  if (rawImage) {
    try {
      const resolved = new URL(rawImage, base);
      // Cut short, a URL may no longer parse: one that is too long is left out instead.
      const http = resolved.protocol === "https:" || resolved.protocol === "http:";
      if (http && resolved.href.length <= 2_048) image = resolved.href;
    } catch {}
  }
  return {
    title: clean(meta["og:title"] ?? meta["twitter:title"] ?? title, 300),
    description: clean(meta["og:description"] ?? meta.description ?? meta["twitter:description"], 500),
    image,
    siteName: clean(meta["og:site_name"], 100) ?? base.hostname,
  };
}

/**
 * @example
 * await fetchPreview("https://example.com/post"); // { ok: true, preview: { title, description, image, siteName } }
 */
export async function fetchPreview(raw: string, options: PreviewOptions = {}): Promise<PreviewResult> {
  const doFetch = options.fetch ?? fetch;
  const maxRedirects = options.maxRedirects ?? 3;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 5_000);
  let verdict = checkUrl(raw);
  for (let hop = 0; ; hop++) {
    if (!verdict.ok) return { ok: false, reason: verdict.reason };
    let res: Response;
    try {
      res = await doFetch(verdict.url.toString(), {
        redirect: "manual",
        signal,
        headers: { Accept: "text/html,application/xhtml+xml", "User-Agent": "OutpostUnfurl/1.0 (+link previews)" },
      });
    } catch {
      return { ok: false, reason: signal.aborted ? "timed out" : "unreachable" };
    }
    if (res.status >= 300 && res.status < 400 && res.headers.has("Location")) {
      await res.body?.cancel();
      if (hop >= maxRedirects) return { ok: false, reason: "too many redirects" };
      // Every hop is checked again: a public URL may redirect into a private network.
      verdict = checkUrl(resolve(res.headers.get("Location") ?? "", verdict.url) ?? "");
      continue;
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return { ok: false, reason: `answered ${res.status}` };
    }
    const type = res.headers.get("Content-Type") ?? "";
    if (!/^(text\/html|application\/xhtml\+xml)/i.test(type)) {
      await res.body.cancel();
      return { ok: false, reason: "not an HTML page" };
    }
    try {
      const html = await readCapped(res.body, options.maxBytes ?? 512 * 1024);
      return { ok: true, preview: { url: verdict.url.toString(), ...(await parseHead(html, verdict.url)) } };
    } catch {
      return { ok: false, reason: signal.aborted ? "timed out" : "unreadable page" };
    }
  }
}
