// Multipart uploads through the Worker's fetch: parts in any order, resume after a dropped part, complete, abort.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  cutBody,
  failing,
  fetchWith,
  fileRow,
  overlappingCompletes,
  recordingQueue,
  sendStream,
  sha256Hex,
} from "../../../test/files-helpers";
import { type Client, login, registerUser } from "../../../test/helpers";
import { MIN_PART_BYTES } from "./files.schema";

let alice: Client;
let bob: Client;
/** Alice again, with a bearer token: no CSRF rule stands between her and the route's own validation. */
let aliceBearer: Client;

beforeAll(async () => {
  await registerUser("admin");
  const registered = await registerUser("alice");
  alice = registered.client;
  aliceBearer = (await login(registered.email, registered.password, "bearer")).client;
  bob = (await registerUser("bob")).client;
});

/** A text file of `size` bytes whose content differs per position, so a misplaced part would show. */
function content(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = 97 + ((i * 7 + Math.floor(i / 4096)) % 26);
  return bytes;
}

async function create(client: Client, size: number, extra: Record<string, unknown> = {}) {
  const res = await client.fetch("/api/files/uploads", {
    method: "POST",
    json: { name: "big.txt", size, contentType: "text/plain", ...extra },
  });
  return res;
}

function putPart(client: Client, id: string, n: number, bytes: Uint8Array) {
  return client.fetch(`/api/files/uploads/${id}/parts/${n}`, {
    method: "PUT",
    headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.byteLength) },
    body: bytes,
  });
}

describe("multipart uploads", () => {
  const size = MIN_PART_BYTES * 2 + 1_000;
  const bytes = content(size);
  const part = (n: number) => bytes.subarray((n - 1) * MIN_PART_BYTES, Math.min(size, n * MIN_PART_BYTES));

  it("plans equal parts, takes them in any order, lists what arrived, refuses to complete with a part missing", async () => {
    const created = await create(alice, size, { partSize: MIN_PART_BYTES });
    expect(created.status).toBe(201);
    const upload = await created.json<{ file: { id: string; status: string }; partSize: number; partCount: number }>();
    expect(upload).toMatchObject({ partSize: MIN_PART_BYTES, partCount: 3, file: { status: "uploading" } });
    const id = upload.file.id;

    expect((await putPart(alice, id, 3, part(3))).status).toBe(200);
    expect((await putPart(alice, id, 1, part(1))).status).toBe(200);
    const state = await (await alice.fetch(`/api/files/uploads/${id}`)).json<{ parts: { partNumber: number }[] }>();
    expect(state.parts.map((p) => p.partNumber)).toEqual([1, 3]);

    const early = await alice.fetch(`/api/files/uploads/${id}/complete`, { method: "POST" });
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: "parts-missing", detail: expect.stringContaining("2") });

    // A dropped part (the storage write fails) is simply sent again.
    const dropped = await fetchWith(
      { FILES: failing(env.FILES, ["resumeMultipartUpload"]) },
      alice,
      `/api/files/uploads/${id}/parts/2`,
      {
        method: "PUT",
        headers: { "Content-Length": String(part(2).byteLength) },
        body: part(2),
      },
    );
    expect(dropped.status).toBe(503);
    expect((await putPart(alice, id, 2, part(2))).status).toBe(200);

    const done = await alice.fetch(`/api/files/uploads/${id}/complete`, { method: "POST" });
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      status: "stored",
      size,
      contentType: "text/plain",
      uploadMode: "multipart",
    });

    const download = await alice.fetch(`/api/files/${id}/content`);
    const downloaded = new Uint8Array(await download.arrayBuffer());
    expect(downloaded.byteLength).toBe(size);
    expect(await sha256Hex(downloaded)).toBe(await sha256Hex(bytes));
    const resumed = await alice.fetch(`/api/files/${id}/content`, { headers: { Range: `bytes=${size - 10}-` } });
    expect(resumed.status).toBe(206);
    expect(new Uint8Array(await resumed.arrayBuffer())).toEqual(bytes.subarray(size - 10));
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM file_parts WHERE file_id = ?").bind(id).first("n")).toBe(0);
  });

  it("refuses parts of the wrong size or number, and parts for someone else's upload", async () => {
    const upload = await (await create(alice, size, { partSize: MIN_PART_BYTES })).json<{ file: { id: string } }>();
    const id = upload.file.id;
    const short = await putPart(alice, id, 1, part(1).subarray(0, 100));
    expect(short.status).toBe(400);
    expect((await short.json<{ code: string }>()).code).toBe("invalid-part");
    expect((await putPart(alice, id, 4, part(3))).status).toBe(400);
    expect((await putPart(alice, id, 0, part(3))).status).toBe(400);
    expect((await putPart(bob, id, 3, part(3))).status).toBe(404);
    expect((await bob.fetch(`/api/files/uploads/${id}/complete`, { method: "POST" })).status).toBe(404);
  });

  it("refuses a first part whose bytes contradict the declared type, and aborts the upload", async () => {
    const small = MIN_PART_BYTES + 10;
    const upload = await (await create(alice, small, { contentType: "video/mp4" })).json<{ file: { id: string } }>();
    const html = new Uint8Array(small);
    html.set(new TextEncoder().encode("<!DOCTYPE html><script>alert(1)</script>"));
    html.fill(32, 40);
    const res = await putPart(alice, upload.file.id, 1, html);
    expect(res.status).toBe(415);
    expect(await fileRow(upload.file.id)).toBeNull();
  });

  it("aborts an open upload: the row and the parts go", async () => {
    const upload = await (await create(alice, size, { partSize: MIN_PART_BYTES })).json<{ file: { id: string } }>();
    expect((await putPart(alice, upload.file.id, 1, part(1))).status).toBe(200);
    expect((await alice.fetch(`/api/files/uploads/${upload.file.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await fileRow(upload.file.id)).toBeNull();
    expect((await putPart(alice, upload.file.id, 2, part(2))).status).toBe(404);
  });

  it("validates the plan: sizes beyond the maximum (413), parts below 5 MiB (400), unknown fields (400)", async () => {
    expect((await create(alice, 6 * 1024 ** 4)).status).toBe(413);
    expect((await create(alice, size, { partSize: 1024 })).status).toBe(400);
    expect((await create(alice, size, { owner: "someone-else" })).status).toBe(400);
    expect((await create(alice, 0)).status).toBe(400);
  });

  it("completes idempotently when R2 finished but the response was lost", async () => {
    const small = 1_000;
    const upload = await (await create(alice, small)).json<{ file: { id: string }; partCount: number }>();
    expect(upload.partCount).toBe(1);
    expect((await putPart(alice, upload.file.id, 1, content(small))).status).toBe(200);
    // The D1 step fails after R2 completed the object: the client retries and succeeds.
    const failed = await fetchWith(
      { DB: failing(env.DB, ["batch"], 1) },
      alice,
      `/api/files/uploads/${upload.file.id}/complete`,
      {
        method: "POST",
      },
    );
    expect(failed.status).toBe(503);
    const retried = await alice.fetch(`/api/files/uploads/${upload.file.id}/complete`, { method: "POST" });
    expect(retried.status).toBe(200);
    expect((await retried.json<{ status: string }>()).status).toBe("stored");
  });

  it("answers a repeated complete with 200 and the same file (the README's lost-response promise)", async () => {
    const small = 1_000;
    const upload = await (await create(alice, small)).json<{ file: { id: string } }>();
    expect((await putPart(alice, upload.file.id, 1, content(small))).status).toBe(200);
    const first = await alice.fetch(`/api/files/uploads/${upload.file.id}/complete`, { method: "POST" });
    expect(first.status).toBe(200);
    const stored = await first.json<{ id: string; size: number; status: string; createdAt: string }>();
    const again = await alice.fetch(`/api/files/uploads/${upload.file.id}/complete`, { method: "POST" });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      id: stored.id,
      size: small,
      status: "stored",
      createdAt: stored.createdAt,
      uploadMode: "multipart",
    });
    // Still nobody else's: a repeated complete by another user is the same 404 as ever.
    expect((await bob.fetch(`/api/files/uploads/${upload.file.id}/complete`, { method: "POST" })).status).toBe(404);
  });

  it("answers two concurrent completes with one 200 and a 200 or 409, never a 5xx, and stores one file", async () => {
    const small = 1_000;
    const { client } = await registerUser("racer");
    const upload = await (await create(client, small)).json<{ file: { id: string } }>();
    expect((await putPart(client, upload.file.id, 1, content(small))).status).toBe(200);
    const path = `/api/files/uploads/${upload.file.id}/complete`;
    // Both requests reach R2's complete before either finishes it, as two racing clients can.
    const overrides = { FILES: overlappingCompletes(env.FILES), FILE_EVENTS: recordingQueue() };
    const answers = await Promise.all([
      fetchWith(overrides, client, path, { method: "POST" }),
      fetchWith(overrides, client, path, { method: "POST" }),
    ]);
    const statuses = answers.map((res) => res.status).sort();
    expect(statuses[0]).toBe(200);
    expect([200, 409]).toContain(statuses[1]);
    for (const res of answers) if (res.status === 200) expect(await res.json()).toMatchObject({ id: upload.file.id });
    expect((await fileRow(upload.file.id))?.status).toBe("stored");
    // One file, announced once and counted once.
    expect(overrides.FILE_EVENTS.sent).toEqual([
      expect.objectContaining({ type: "file.stored", fileId: upload.file.id }),
    ]);
    const download = await client.fetch(`/api/files/${upload.file.id}/content`);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(content(small));
    const stats = await (await client.fetch("/api/users/me/stats")).json<{ files: number; bytes: number }>();
    expect(stats).toMatchObject({ files: 1, bytes: small });
  });

  it.each(["0x3", "3.0", "+3", "03", "%203", "3%20", "1e1", "-1", "0", "10001", "99999999999999999999", "3abc"])(
    "refuses the part number %j with 400 problem+json, storing nothing",
    async (n) => {
      const upload = await (await create(alice, size, { partSize: MIN_PART_BYTES })).json<{ file: { id: string } }>();
      expect((await putPart(alice, upload.file.id, 3, part(3))).status).toBe(200);
      for (const client of [alice, aliceBearer]) {
        const res = await client.fetch(`/api/files/uploads/${upload.file.id}/parts/${n}`, {
          method: "PUT",
          headers: { "Content-Type": "application/octet-stream", "Content-Length": "1000" },
          body: part(3),
        });
        const as = client === alice ? "cookie" : "bearer";
        expect(res.status, as).toBe(400);
        expect(res.headers.get("Content-Type"), as).toContain("application/problem+json");
      }
      const state = await (await alice.fetch(`/api/files/uploads/${upload.file.id}`)).json<{
        parts: { partNumber: number }[];
      }>();
      expect(state.parts.map((p) => p.partNumber)).toEqual([3]);
    },
  );

  it("answers 503, not 400, when R2 stops part-way through a part the client sent whole", async () => {
    const upload = await (await create(alice, size, { partSize: MIN_PART_BYTES })).json<{ file: { id: string } }>();
    const id = upload.file.id;
    // R2 takes one chunk of the part, then fails: the body still has bytes, so the fault is storage's.
    const stopsEarly = new Proxy(env.FILES, {
      get(target, property, receiver) {
        if (property === "resumeMultipartUpload") {
          return () => ({
            async uploadPart(_n: number, value: ReadableStream<Uint8Array>) {
              const reader = value.getReader();
              await reader.read();
              await reader.cancel(new Error("storage went away"));
              throw new Error("injected fault: uploadPart part-way");
            },
          });
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const res = await sendStream(
      alice,
      "PUT",
      `/api/files/uploads/${id}/parts/2`,
      cutBody(part(2), part(2).byteLength, "close"),
      part(2).byteLength,
    );
    expect(res.status).toBe(200);
    const failed = await fetchWith({ FILES: stopsEarly }, alice, `/api/files/uploads/${id}/parts/2`, {
      method: "PUT",
      headers: { "Content-Length": String(part(2).byteLength) },
      body: cutBody(part(2), part(2).byteLength, "close"),
      // @ts-expect-error: workerd needs duplex for a streamed request body
      duplex: "half",
    });
    expect(failed.status).toBe(503);
    expect((await failed.json<{ code: string }>()).code).toBe("storage-unavailable");
  });

  it.each(["close", "error"] as const)(
    "answers a part cut short by the client (%s) with 400 body-length-mismatch and records nothing",
    async (how) => {
      const upload = await (await create(alice, size, { partSize: MIN_PART_BYTES })).json<{ file: { id: string } }>();
      const id = upload.file.id;
      // Part 1 is cut inside the 4 KiB the type is sniffed from; part 2 well after it.
      for (const [n, cutAt] of [
        [1, 2_000],
        [2, MIN_PART_BYTES - 10_000],
      ] as const) {
        const res = await sendStream(
          alice,
          "PUT",
          `/api/files/uploads/${id}/parts/${n}`,
          cutBody(part(n), cutAt, how),
          part(n).byteLength,
        );
        expect(res.status, `part ${n}`).toBe(400);
        expect(res.headers.get("Content-Type")).toContain("application/problem+json");
        expect((await res.json<{ code: string }>()).code).toBe("body-length-mismatch");
      }
      const state = await (await alice.fetch(`/api/files/uploads/${id}`)).json<{
        parts: unknown[];
        file: { status: string };
      }>();
      expect(state).toMatchObject({ parts: [], file: { status: "uploading" } });
      expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM file_parts WHERE file_id = ?").bind(id).first("n")).toBe(
        0,
      );
      // Nothing half-written stays in R2's upload: the parts sent again complete to exactly the original bytes.
      for (const n of [1, 2, 3]) expect((await putPart(alice, id, n, part(n))).status).toBe(200);
      expect((await alice.fetch(`/api/files/uploads/${id}/complete`, { method: "POST" })).status).toBe(200);
      const downloaded = new Uint8Array(await (await alice.fetch(`/api/files/${id}/content`)).arrayBuffer());
      expect(await sha256Hex(downloaded)).toBe(await sha256Hex(bytes));
    },
  );
});
