// Faults after each step of the upload pipeline, then the sweeper: no orphan objects, no rows without objects.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  allObjectKeys,
  allRowKeys,
  bytesOf,
  cutBody,
  failing,
  fetchWith,
  fileRow,
  outboxRows,
  recordingQueue,
  sendStream,
  TEXT,
  uploadOk,
} from "../../../test/files-helpers";
import { type Client, registerUser } from "../../../test/helpers";
import { FileRepository } from "./file-repository";
import { SWEEP_AFTER_MS, sweepFiles } from "./file-sweeper";
import type { FilesEnv } from "./file-upload";

let alice: Client;

beforeAll(async () => {
  await registerUser("admin");
  alice = (await registerUser("alice")).client;
});

function post(overrides: Record<string, unknown>, name: string, body = TEXT) {
  return fetchWith(overrides, alice, `/api/files?name=${name}`, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: bytesOf(body),
  });
}

async function rowsNamed(name: string) {
  return (await env.DB.prepare("SELECT id, status, object_key FROM files WHERE name = ?").bind(name).all()).results;
}

/** The invariants the sweeper must restore: every row that claims bytes has them, and every object has a row. */
async function expectConsistent() {
  const objects = new Set(await allObjectKeys());
  const rows = await env.DB.prepare("SELECT object_key, status FROM files").all<{
    object_key: string;
    status: string;
  }>();
  for (const row of rows.results) {
    if (["stored", "analysing", "ready", "failed", "skipped"].includes(row.status)) {
      expect(objects.has(row.object_key), `row ${row.object_key} (${row.status}) has its object`).toBe(true);
    }
  }
  const rowKeys = new Set(await allRowKeys());
  for (const key of objects) expect(rowKeys.has(key), `object ${key} has a row`).toBe(true);
}

describe("faults during an upload", () => {
  it("R2 failing: 503 with Retry-After, nothing kept", async () => {
    const res = await post({ FILES: failing(env.FILES, ["put"]) }, "r2-down.txt");
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("5");
    const body = await res.json<{ code: string; detail: string }>();
    expect(body.code).toBe("storage-unavailable");
    expect(JSON.stringify(body)).not.toContain("injected");
    expect(await rowsNamed("r2-down.txt")).toEqual([]);
    await expectConsistent();
  });

  it("D1 failing after R2 stored the bytes: 503, the object is deleted again, no row remains", async () => {
    const res = await post({ DB: failing(env.DB, ["batch"], 1) }, "d1-down.txt");
    expect(res.status).toBe(503);
    expect(await rowsNamed("d1-down.txt")).toEqual([]);
    await expectConsistent();
  });

  it("D1 failing for good: the row left `uploading` has no object, and the sweeper removes it", async () => {
    const res = await post({ DB: failing(env.DB, ["batch"]) }, "d1-gone.txt");
    expect(res.status).toBe(503);
    const [row] = await rowsNamed("d1-gone.txt");
    expect(row?.status).toBe("uploading");
    expect(await env.FILES.head(String(row?.object_key))).toBeNull();
    const report = await sweepFiles(env, new Date(Date.now() + SWEEP_AFTER_MS.singleUpload + 60_000));
    expect(report.uploadsCleaned).toBeGreaterThanOrEqual(1);
    expect(await rowsNamed("d1-gone.txt")).toEqual([]);
    await expectConsistent();
  });

  it("the queue failing: the upload succeeds, the event waits in the outbox, the sweeper sends it", async () => {
    const down = {
      send: () => Promise.reject(new Error("queue down")),
      sendBatch: () => Promise.reject(new Error("queue down")),
    };
    const res = await post({ FILE_EVENTS: down }, "queue-down.txt");
    expect(res.status).toBe(201);
    const file = await res.json<{ id: string; status: string }>();
    expect(file.status).toBe("stored");
    expect(await outboxRows(file.id)).toHaveLength(1);

    const queue = recordingQueue();
    const report = await sweepFiles(
      { ...env, FILE_EVENTS: queue } as unknown as FilesEnv,
      new Date(Date.now() + 1_000),
    );
    expect(report.eventsSent).toBeGreaterThanOrEqual(1);
    expect(queue.sent).toContainEqual({
      type: "file.stored",
      fileId: file.id,
      ownerId: expect.any(String),
      size: TEXT.length,
    });
    expect(await outboxRows(file.id)).toHaveLength(0);
  });

  it("the statistics object failing: the upload succeeds, and the consumer counts it exactly once later", async () => {
    const { client } = await registerUser("stats-fault");
    const brokenStats = {
      idFromName: () => env.USER_STATS.idFromName("x"),
      get: () => ({ record: () => Promise.reject(new Error("DO down")) }),
    };
    const res = await fetchWith(
      { USER_STATS: brokenStats, FILE_EVENTS: recordingQueue() },
      client,
      "/api/files?name=s.txt",
      {
        method: "POST",
        headers: { "Content-Type": "text/plain" },
        body: bytesOf("0123456789"),
      },
    );
    expect(res.status).toBe(201);
    const file = await res.json<{ id: string }>();
    const before = await (await client.fetch("/api/users/me/stats")).json<{ files: number }>();
    expect(before.files).toBe(0);
    const row = await fileRow(file.id);
    const stub = env.USER_STATS.get(env.USER_STATS.idFromName(String(row?.owner_id)));
    for (let i = 0; i < 3; i++) await stub.record(file.id, 10, Date.now());
    expect(await (await client.fetch("/api/users/me/stats")).json()).toMatchObject({ files: 1, bytes: 10, uploads: 1 });
  });

  it.each([
    ["ends", 2_000, "close"],
    ["ends", 12_000, "close"],
    ["fails", 2_000, "error"],
    ["fails", 12_000, "error"],
  ] as const)(
    "a body that %s after %d of its 20 000 bytes: 400 body-length-mismatch, nothing kept",
    async (_, cutAt, how) => {
      const name = `cut-${how}-${cutAt}.txt`;
      const objectsBefore = (await allObjectKeys()).length;
      const bytes = bytesOf("z".repeat(20_000));
      const res = await sendStream(alice, "POST", `/api/files?name=${name}`, cutBody(bytes, cutAt, how), 20_000, {
        "Content-Type": "text/plain",
      });
      expect(res.status).toBe(400);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({
        code: "body-length-mismatch",
        detail: `Expected 20000 bytes, received ${cutAt}`,
      });
      expect(await rowsNamed(name)).toEqual([]);
      expect((await allObjectKeys()).length).toBe(objectsBefore);
      await expectConsistent();
    },
  );
});

describe("the sweeper", () => {
  it("finishes a delete whose request died after hiding the file", async () => {
    const file = await uploadOk(alice, bytesOf("to be deleted"), { name: "half-deleted.txt" });
    const record = await new FileRepository(env.DB).find(file.id);
    if (!record) throw new Error("missing");
    await new FileRepository(env.DB).markDeleting(record, new Date().toISOString());
    expect((await alice.fetch(`/api/files/${file.id}`)).status).toBe(404);
    expect(await env.FILES.head(record.objectKey)).not.toBeNull();
    const report = await sweepFiles(env, new Date(Date.now() + SWEEP_AFTER_MS.deleting + 1_000));
    expect(report.deletesFinished).toBeGreaterThanOrEqual(1);
    expect(await fileRow(file.id)).toBeNull();
    expect(await env.FILES.head(record.objectKey)).toBeNull();
  });

  it("re-announces a stored file whose event was lost", async () => {
    const queue = recordingQueue();
    const res = await fetchWith({ FILE_EVENTS: queue }, alice, "/api/files?name=lost.txt", {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: bytesOf(TEXT),
    });
    const file = await res.json<{ id: string }>();
    // The message was "sent" to a queue that lost it: nothing in the outbox, the file still `stored`.
    expect(await outboxRows(file.id)).toHaveLength(0);
    const later = recordingQueue();
    const report = await sweepFiles(
      { ...env, FILE_EVENTS: later } as unknown as FilesEnv,
      new Date(Date.now() + SWEEP_AFTER_MS.analysis + 60_000),
    );
    expect(report.reannounced).toBeGreaterThanOrEqual(1);
    expect(later.sent).toContainEqual(expect.objectContaining({ type: "file.stored", fileId: file.id }));
  });

  it("aborts multipart uploads abandoned for a day", async () => {
    const created = await alice.fetch("/api/files/uploads", {
      method: "POST",
      json: { name: "abandoned.bin", size: 100 },
    });
    const upload = await created.json<{ file: { id: string } }>();
    const report = await sweepFiles(env, new Date(Date.now() + SWEEP_AFTER_MS.multipartUpload + 60_000));
    expect(report.multipartAborted).toBeGreaterThanOrEqual(1);
    expect(await fileRow(upload.file.id)).toBeNull();
    await expectConsistent();
  });
});
