// Contract: every route the app serves is in /api/openapi.json and every documented operation is served.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../src/app";

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

const HTTP_METHODS = new Set(["get", "post", "put", "patch", "delete"]);

function servedOperations(): Set<string> {
  return new Set(
    app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`),
  );
}

async function documentedOperations(): Promise<{ doc: OpenApiDocument; ops: Set<string> }> {
  const res = await SELF.fetch("http://outpost.test/api/openapi.json");
  expect(res.status).toBe(200);
  const doc = await res.json<OpenApiDocument>();
  const ops = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) if (HTTP_METHODS.has(method)) ops.add(`${method} ${path}`);
  }
  return { doc, ops };
}

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 with info and at least one response per operation", async () => {
    const { doc } = await documentedOperations();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("Outpost API");
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
      }
    }
  });

  it("documents exactly the set of routes the app serves", async () => {
    const served = servedOperations();
    const { ops } = await documentedOperations();
    const undocumented = [...served].filter((op) => !ops.has(op));
    const unserved = [...ops].filter((op) => !served.has(op));
    expect(undocumented).toEqual([]);
    expect(unserved).toEqual([]);
    expect(served.size).toBeGreaterThanOrEqual(7);
  });

  it("renders the docs page from the same document, without scripts", async () => {
    const res = await SELF.fetch("http://outpost.test/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    const html = await res.text();
    const { ops } = await documentedOperations();
    for (const op of ops) expect(html).toContain(`<code>${op.split(" ")[1]}</code>`);
    expect(html).not.toContain("<script");
  });
});
