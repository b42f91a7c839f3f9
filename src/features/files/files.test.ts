// Files through the Worker's fetch: uploads, bad names and types, access control, downloads, share links, deletion.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  allObjectKeys,
  bytesOf,
  fetchWith,
  fileRow,
  PNG_1X1,
  sha256Hex,
  TEXT,
  upload,
  uploadOk,
} from "../../../test/files-helpers";
import { type Client, call, registerUser } from "../../../test/helpers";
import { FileRepository } from "./file-repository";
import { createShareLink } from "./share-links";

let admin: Client;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  admin = (await registerUser("admin")).client;
  alice = (await registerUser("alice")).client;
  bob = (await registerUser("bob")).client;
});

describe("POST /api/files", () => {
  it("streams a text file to R2 and records it with its SHA-256, a random id and a key free of its name", async () => {
    const bytes = bytesOf(TEXT);
    const file = await uploadOk(alice, bytes, { name: "plan.txt", type: "text/plain" });
    expect(file).toMatchObject({
      name: "plan.txt",
      contentType: "text/plain",
      size: bytes.byteLength,
      status: "stored",
    });
    expect(file.id).toMatch(/^[0-9a-f]{32}$/);
    expect(file.sha256).toBe(await sha256Hex(bytes));
    const row = await fileRow(file.id);
    expect(row?.object_key).toMatch(/^f\/[0-9a-f]{32}\/[0-9a-f]{32}$/);
    const object = await env.FILES.get(String(row?.object_key));
    expect(await object?.text()).toBe(TEXT);
  });

  it("detects the type from the bytes when none is declared", async () => {
    const file = await uploadOk(alice, PNG_1X1, { name: "dot" });
    expect(file.contentType).toBe("image/png");
  });

  it.each([
    ["../x", "x"],
    ["a/b", "b"],
    ["evil\u0000.txt", "evil.txt"],
    ["report\u202Etxt.exe", "reporttxt.exe"],
  ])("keeps the name %j only as sanitised metadata (%j)", async (name, expected) => {
    const file = await uploadOk(alice, bytesOf("hello"), { name, type: "text/plain" });
    expect(file.name).toBe(expected);
    const row = await fileRow(file.id);
    expect(String(row?.object_key)).toMatch(/^f\/[0-9a-f]{32}\/[0-9a-f]{32}$/);
  });

  it("caps a 1 000-character name", async () => {
    const file = await uploadOk(alice, bytesOf("hello"), { name: `${"n".repeat(1_000)}.txt`, type: "text/plain" });
    expect([...file.name].length).toBeLessThanOrEqual(200);
    expect(file.name.endsWith(".txt")).toBe(true);
  });

  it("refuses HTML declared as image/png, and PNG declared as text/html (415)", async () => {
    const html = await upload(alice, bytesOf("<!DOCTYPE html><script>alert(1)</script>"), { type: "image/png" });
    expect(html.status).toBe(415);
    expect(html.headers.get("Content-Type")).toContain("application/problem+json");
    expect((await html.json<{ code: string }>()).code).toBe("file-type-mismatch");
    const png = await upload(alice, PNG_1X1, { type: "text/html" });
    expect(png.status).toBe(415);
  });

  it("refuses bytes of an unknown binary type (415) and an empty body (400)", async () => {
    const unknown = await upload(alice, Uint8Array.from([0, 1, 2, 3, 0, 255, 0, 7]), {
      type: "application/octet-stream",
    });
    expect(unknown.status).toBe(415);
    expect((await unknown.json<{ code: string }>()).code).toBe("unsupported-file-type");
    const empty = await upload(alice, new Uint8Array(0), { type: "text/plain" });
    expect(empty.status).toBe(400);
    expect((await empty.json<{ code: string }>()).code).toBe("empty-file");
  });

  it("accepts limit−1 and limit bytes and refuses limit+1 with 413, storing nothing for it", async () => {
    const limit = 2_048;
    const overrides = { FILE_UPLOAD_MAX_BYTES: String(limit) };
    const before = (await allObjectKeys()).length;
    for (const [size, status] of [
      [limit - 1, 201],
      [limit, 201],
      [limit + 1, 413],
    ] as const) {
      const res = await fetchWith(overrides, alice, "/api/files?name=sized.txt", {
        method: "POST",
        headers: { "Content-Type": "text/plain", "Content-Length": String(size) },
        body: bytesOf("a".repeat(size)),
      });
      expect(res.status, `size ${size}`).toBe(status);
    }
    expect((await allObjectKeys()).length).toBe(before + 2);
  });

  it("enforces the per-user quota (413 quota-exceeded)", async () => {
    const { client } = await registerUser("quota");
    const overrides = { FILE_QUOTA_BYTES: "1000" };
    const first = await fetchWith(overrides, client, "/api/files?name=a.txt", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: bytesOf("a".repeat(600)),
    });
    expect(first.status).toBe(201);
    const second = await fetchWith(overrides, client, "/api/files?name=b.txt", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: bytesOf("b".repeat(600)),
    });
    expect(second.status).toBe(413);
    expect((await second.json<{ code: string }>()).code).toBe("quota-exceeded");
  });

  it("refuses uploads without a session (401) and cross-site cookie uploads (403)", async () => {
    const anonymous = await call("/api/files?name=x.txt", {
      method: "POST",
      body: "hello",
      headers: { "Content-Type": "text/plain" },
    });
    expect(anonymous.status).toBe(401);
    const crossSite = await alice.fetch("/api/files?name=x.txt", {
      method: "POST",
      body: "hello",
      headers: { "Content-Type": "text/plain", Origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
  });
});

describe("reading files", () => {
  let fileId: string;
  beforeAll(async () => {
    fileId = (await uploadOk(alice, bytesOf(TEXT), { name: "plan.txt", type: "text/plain" })).id;
  });

  it("lists my files newest first with a working cursor, and never anyone else's", async () => {
    const { client } = await registerUser("lister");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await uploadOk(client, bytesOf(`file ${i}`), { name: `${i}.txt` })).id);
    const first = await (await client.fetch("/api/files?limit=2")).json<{
      files: { id: string }[];
      nextCursor: string;
    }>();
    expect(first.files.map((f) => f.id)).toEqual([ids[2], ids[1]]);
    const second = await (await client.fetch(`/api/files?limit=2&cursor=${first.nextCursor}`)).json<{
      files: { id: string }[];
      nextCursor: string | null;
    }>();
    expect(second.files.map((f) => f.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
    expect((await client.fetch("/api/files?cursor=not-a-cursor")).status).toBe(400);
    const forged = btoa(JSON.stringify(["2999-01-01T00:00:00.000Z", "not-a-file-id"])).replace(/=+$/, "");
    expect((await client.fetch(`/api/files?cursor=${forged}`)).status).toBe(400);
  });

  it("answers 404 to another user for metadata, content, deletion and links, with the cache cold and warm", async () => {
    for (const round of ["cold", "warm"]) {
      expect((await alice.fetch(`/api/files/${fileId}`)).status, round).toBe(200);
      for (const [method, path] of [
        ["GET", `/api/files/${fileId}`],
        ["GET", `/api/files/${fileId}/content`],
        ["GET", `/api/files/${fileId}/links`],
        ["POST", `/api/files/${fileId}/links`],
        ["DELETE", `/api/files/${fileId}`],
      ] as const) {
        const res = await bob.fetch(path, {
          method,
          ...(method === "POST" ? { json: { expiresInSeconds: 600 } } : {}),
        });
        expect(res.status, `${round} ${method} ${path}`).toBe(404);
      }
    }
    expect((await alice.fetch(`/api/files/${fileId}`)).status).toBe(200);
  });

  it("lets an administrator read any file", async () => {
    expect((await admin.fetch(`/api/files/${fileId}`)).status).toBe(200);
    expect((await admin.fetch(`/api/files/${fileId}/content`)).status).toBe(200);
  });

  it("answers 404 for unknown ids and 400 for malformed ones", async () => {
    expect((await alice.fetch(`/api/files/${"0".repeat(32)}`)).status).toBe(404);
    expect((await alice.fetch("/api/files/12345")).status).toBe(400);
  });

  it("downloads with inert headers: nosniff, a sandbox CSP, private caching", async () => {
    const res = await alice.fetch(`/api/files/${fileId}/content`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(TEXT);
    expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
    expect(res.headers.get("Cache-Control")).toContain("private");
    expect(res.headers.get("Content-Disposition")).toMatch(/^inline; filename="plan.txt"/);
  });

  it("serves HTML and SVG only as attachments", async () => {
    const html = await uploadOk(alice, bytesOf("<!doctype html><h1>hi</h1><script>x()</script>"), {
      name: "page.html",
      type: "text/html",
    });
    const res = await alice.fetch(`/api/files/${html.id}/content`);
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment;/);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    const svg = await uploadOk(alice, bytesOf('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'), {
      name: "pic.svg",
    });
    expect(svg.contentType).toBe("image/svg+xml");
    const svgRes = await alice.fetch(`/api/files/${svg.id}/content`);
    expect(svgRes.headers.get("Content-Disposition")).toMatch(/^attachment;/);
  });

  it("answers byte ranges, suffix ranges and unsatisfiable ranges", async () => {
    const partial = await alice.fetch(`/api/files/${fileId}/content`, { headers: { Range: "bytes=0-6" } });
    expect(partial.status).toBe(206);
    expect(await partial.text()).toBe(TEXT.slice(0, 7));
    expect(partial.headers.get("Content-Range")).toBe(`bytes 0-6/${TEXT.length}`);
    const suffix = await alice.fetch(`/api/files/${fileId}/content`, { headers: { Range: "bytes=-5" } });
    expect(await suffix.text()).toBe(TEXT.slice(-5));
    const resumed = await alice.fetch(`/api/files/${fileId}/content`, { headers: { Range: "bytes=10-" } });
    expect(await resumed.text()).toBe(TEXT.slice(10));
    const beyond = await alice.fetch(`/api/files/${fileId}/content`, { headers: { Range: `bytes=${TEXT.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("Content-Range")).toBe(`bytes */${TEXT.length}`);
  });

  it("answers conditional requests: 304 for a matching ETag, 412 for a failed If-Match, full body for a stale If-Range", async () => {
    const first = await alice.fetch(`/api/files/${fileId}/content`);
    const etag = first.headers.get("ETag") ?? "";
    await first.arrayBuffer();
    expect(etag).toMatch(/^"/);
    const notModified = await alice.fetch(`/api/files/${fileId}/content`, { headers: { "If-None-Match": etag } });
    expect(notModified.status).toBe(304);
    const precondition = await alice.fetch(`/api/files/${fileId}/content`, { headers: { "If-Match": '"other"' } });
    expect(precondition.status).toBe(412);
    const staleRange = await alice.fetch(`/api/files/${fileId}/content`, {
      headers: { Range: "bytes=0-3", "If-Range": '"stale"' },
    });
    expect(staleRange.status).toBe(200);
    expect(await staleRange.text()).toBe(TEXT);
  });
});

describe("share links", () => {
  let fileId: string;
  beforeAll(async () => {
    fileId = (await uploadOk(alice, bytesOf(TEXT), { name: "shared.txt", type: "text/plain" })).id;
  });

  async function share(seconds = 600) {
    const res = await alice.fetch(`/api/files/${fileId}/links`, {
      method: "POST",
      json: { expiresInSeconds: seconds },
    });
    expect(res.status).toBe(201);
    return res.json<{ id: string; url: string; expiresAt: string }>();
  }

  it("opens the file for a signed-out visitor until it is revoked", async () => {
    const link = await share();
    const path = new URL(link.url).pathname;
    const open = await call(path);
    expect(open.status).toBe(200);
    expect(await open.text()).toBe(TEXT);
    const listed = await (await alice.fetch(`/api/files/${fileId}/links`)).json<{
      links: { id: string; url: null }[];
    }>();
    expect(listed.links.map((l) => l.id)).toContain(link.id);
    expect((await alice.fetch(`/api/files/${fileId}/links/${link.id}`, { method: "DELETE" })).status).toBe(204);
    const revoked = await call(path);
    expect(revoked.status).toBe(403);
    expect((await revoked.json<{ code: string }>()).code).toBe("share-link-invalid");
  });

  it("refuses a tampered token", async () => {
    const link = await share();
    const path = new URL(link.url).pathname;
    const token = path.split("/").at(-1) ?? "";
    const flipped = `${token.slice(0, -2)}${token.at(-2) === "A" ? "B" : "A"}${token.at(-1)}`;
    expect((await call(`/api/share/${flipped}`)).status).toBe(403);
    const [payload] = token.split(".");
    expect((await call(`/api/share/${payload}.${"A".repeat(43)}`)).status).toBe(403);
    expect((await call("/api/share/garbage")).status).toBe(403);
  });

  it("refuses an expired link", async () => {
    const record = await new FileRepository(env.DB).find(fileId);
    if (!record) throw new Error("file missing");
    const link = await createShareLink(env, record, 60, "http://outpost.test", new Date(Date.now() - 120_000));
    const res = await call(new URL(link.url ?? "").pathname);
    expect(res.status).toBe(403);
    expect((await res.json<{ detail: string }>()).detail).toMatch(/expired/);
  });

  it("refuses lifetimes beyond the configured maximum, and links for another user's file", async () => {
    const tooLong = await alice.fetch(`/api/files/${fileId}/links`, {
      method: "POST",
      json: { expiresInSeconds: 30 * 86_400 },
    });
    expect(tooLong.status).toBe(400);
    const foreign = await bob.fetch(`/api/files/${fileId}/links`, { method: "POST", json: { expiresInSeconds: 600 } });
    expect(foreign.status).toBe(404);
  });

  it("stops working once the file is deleted", async () => {
    const own = await uploadOk(alice, bytesOf("short-lived"), { name: "gone.txt" });
    const res = await alice.fetch(`/api/files/${own.id}/links`, { method: "POST", json: { expiresInSeconds: 600 } });
    const link = await res.json<{ url: string }>();
    expect((await alice.fetch(`/api/files/${own.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await call(new URL(link.url).pathname)).status).toBe(403);
  });
});

describe("DELETE /api/files/:id and statistics", () => {
  it("counts an upload once and removes the bytes, the row and the count on delete", async () => {
    const { client } = await registerUser("stats");
    const stats = async () =>
      (await client.fetch("/api/users/me/stats")).json<{
        files: number;
        bytes: number;
        uploads: number;
        lastUploadAt: string | null;
      }>();
    expect(await stats()).toMatchObject({ files: 0, bytes: 0, uploads: 0, lastUploadAt: null });
    const file = await uploadOk(client, bytesOf("twelve bytes"), { name: "s.txt" });
    await uploadOk(client, PNG_1X1, { name: "p.png" });
    // The statistics update runs after the response (waitUntil); poll briefly.
    for (let i = 0; i < 50 && (await stats()).files < 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await stats()).toMatchObject({ files: 2, bytes: 12 + PNG_1X1.byteLength, uploads: 2 });

    const key = String((await fileRow(file.id))?.object_key);
    expect((await client.fetch(`/api/files/${file.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await fileRow(file.id)).toBeNull();
    expect(await env.FILES.head(key)).toBeNull();
    expect((await client.fetch(`/api/files/${file.id}`)).status).toBe(404);
    expect((await client.fetch(`/api/files/${file.id}`, { method: "DELETE" })).status).toBe(404);
    expect(await stats()).toMatchObject({ files: 1, bytes: PNG_1X1.byteLength, uploads: 2 });
  });
});
