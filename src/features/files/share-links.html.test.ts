// A refused share link opened in a browser: a small readable page; API clients keep problem+json.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, TEXT, uploadOk } from "../../../test/files-helpers";
import { type Client, call, registerUser } from "../../../test/helpers";
import { FileRepository } from "./file-repository";
import { createShareLink, resolveShareToken } from "./share-links";
import { prefersHtml } from "./share-links.routes";

/** What Chrome and Firefox send when the user opens a URL. */
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

let alice: Client;
let fileId: string;

beforeAll(async () => {
  await registerUser("admin");
  alice = (await registerUser("alice")).client;
  fileId = (await uploadOk(alice, bytesOf(TEXT), { name: "shared.txt", type: "text/plain" })).id;
});

async function sharePath(options: { createdAgoMs?: number; seconds?: number } = {}): Promise<string> {
  const record = await new FileRepository(env.DB).find(fileId);
  if (!record) throw new Error("file missing");
  const now = new Date(Date.now() - (options.createdAgoMs ?? 0));
  const link = await createShareLink(env, record, options.seconds ?? 600, "http://outpost.test", now);
  return new URL(link.url ?? "").pathname;
}

async function revokedPath(): Promise<string> {
  const path = await sharePath();
  const linkId = (
    await env.DB.prepare("SELECT id FROM share_links ORDER BY created_at DESC, rowid DESC LIMIT 1").first<{
      id: string;
    }>()
  )?.id;
  const res = await alice.fetch(`/api/files/${fileId}/links/${linkId}`, { method: "DELETE" });
  expect(res.status).toBe(204);
  return path;
}

function tampered(path: string): string {
  const token = path.split("/").at(-1) ?? "";
  return `/api/share/${token.slice(0, -2)}${token.at(-2) === "A" ? "B" : "A"}${token.at(-1)}`;
}

async function expectPage(res: Response, status: number, heading: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  expect(res.headers.get("Vary")).toContain("Accept");
  const html = await res.text();
  expect(html).toMatch(/^<!doctype html>/);
  expect(html).toContain(`<h1>${heading}</h1>`);
  expect(html).toContain("ask the person who shared it with you for a new link");
  expect(html).toContain('<a href="/">Go to Outpost</a>');
  expect(html).not.toMatch(/<script|\son\w+=|<link|<img|url\(/i);
  expect(html).not.toContain('"code"');
  expect(() => JSON.parse(html)).toThrow();
  return html;
}

async function expectProblem(res: Response, detail: RegExp) {
  expect(res.status).toBe(403);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  const body = await res.json<{ code: string; detail: string; status: number; title: string }>();
  expect(body).toMatchObject({ code: "share-link-invalid", status: 403, title: "This link does not open the file" });
  expect(body.detail).toMatch(detail);
}

describe("GET /api/share/{token} from a browser", () => {
  it("answers an expired link with a 403 page that says it expired", async () => {
    const path = await sharePath({ createdAgoMs: 120_000, seconds: 60 });
    const html = await expectPage(await call(path, { headers: { Accept: BROWSER } }), 403, "This link has expired");
    expect(html).toMatch(/Reference: [0-9a-f-]{8,}/);
  });

  it("answers a revoked link with a 403 page that says it was revoked", async () => {
    const path = await revokedPath();
    await expectPage(await call(path, { headers: { Accept: BROWSER } }), 403, "This link was revoked");
  });

  it("answers a tampered or garbled link with a 403 page that says it is not valid", async () => {
    const path = await sharePath();
    await expectPage(await call(tampered(path), { headers: { Accept: BROWSER } }), 403, "This link is not valid");
    await expectPage(
      await call("/api/share/garbage", { headers: { Accept: "text/html" } }),
      403,
      "This link is not valid",
    );
  });

  it("answers a link to a deleted file (its links go with it) with the not-valid page", async () => {
    const own = await uploadOk(alice, bytesOf("short-lived"), { name: "gone.txt" });
    const res = await alice.fetch(`/api/files/${own.id}/links`, { method: "POST", json: { expiresInSeconds: 600 } });
    const path = new URL((await res.json<{ url: string }>()).url).pathname;
    expect((await alice.fetch(`/api/files/${own.id}`, { method: "DELETE" })).status).toBe(204);
    await expectPage(await call(path, { headers: { Accept: BROWSER } }), 403, "This link is not valid");
  });

  it("answers a link to a file being deleted with a 403 page that says it is no longer shared", async () => {
    const own = await uploadOk(alice, bytesOf("going"), { name: "going.txt" });
    const res = await alice.fetch(`/api/files/${own.id}/links`, { method: "POST", json: { expiresInSeconds: 600 } });
    const path = new URL((await res.json<{ url: string }>()).url).pathname;
    await env.DB.prepare("UPDATE files SET status = 'deleting' WHERE id = ?").bind(own.id).run();
    await expectPage(await call(path, { headers: { Accept: BROWSER } }), 403, "This file is no longer shared");
    await expectProblem(await call(path), /no longer shared/);
  });

  it("still downloads the file through a valid link", async () => {
    const res = await call(await sharePath(), { headers: { Accept: BROWSER } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(TEXT);
  });
});

describe("GET /api/share/{token} from an API client", () => {
  it.each([
    ["*/*", "*/*"],
    ["no Accept", undefined],
    ["application/json", "application/json"],
    ["application/problem+json", "application/problem+json"],
    ["JSON and HTML alike", "application/json, text/html"],
    ["JSON above HTML", "text/html;q=0.5, application/json"],
  ])("keeps problem+json for %s", async (_, accept) => {
    const headers: Record<string, string> = accept === undefined ? {} : { Accept: accept };
    await expectProblem(await call(await revokedPath(), { headers }), /revoked/);
    await expectProblem(await call(await sharePath({ createdAgoMs: 120_000, seconds: 60 }), { headers }), /expired/);
    await expectProblem(await call(tampered(await sharePath()), { headers }), /not valid/);
  });

  it("still downloads the file through a valid link", async () => {
    const res = await call(await sharePath(), { headers: { Accept: "*/*" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(TEXT);
  });
});

describe("prefersHtml", () => {
  it.each([
    [BROWSER, true],
    ["text/html", true],
    ["application/xhtml+xml", true],
    ["text/html;q=0.9, application/json;q=0.8", true],
    ["TEXT/HTML; Q=1", true],
    [undefined, false],
    ["", false],
    ["*/*", false],
    ["text/*", false],
    ["application/json", false],
    ["application/json, text/html", false],
    ["text/html;q=0", false],
    ["text/html;q=abc", false],
  ])("%j → %s", (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});

describe("resolveShareToken", () => {
  it("refuses a valid token for any method but GET and HEAD", async () => {
    const token = (await sharePath()).split("/").pop() as string;
    for (const method of ["GET", "HEAD"]) expect((await resolveShareToken(env, token, method)).id).toBe(fileId);
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      await expect(resolveShareToken(env, token, method)).rejects.toMatchObject({ status: 403, reason: "invalid" });
    }
  });
});
