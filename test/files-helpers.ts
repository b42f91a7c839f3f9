// Test helpers for files: sample bytes, uploads through the Worker, and bindings that fail on demand.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../src/app";
import { BASE, type Client, COOKIE_NAME } from "./helpers";

/** A valid 1×1 RGBA PNG. */
export const PNG_1X1 = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

export const TEXT =
  "Outpost keeps the launch plan in one place. The launch is on Tuesday after the review. " +
  "Every team checks the launch list before Monday. Coffee is in the kitchen.";

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface UploadOptions {
  name?: string;
  type?: string;
}

export function upload(client: Client, bytes: Uint8Array, options: UploadOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { "Content-Length": String(bytes.byteLength) };
  if (options.type) headers["Content-Type"] = options.type;
  return client.fetch(`/api/files?name=${encodeURIComponent(options.name ?? "notes.txt")}`, {
    method: "POST",
    headers,
    body: bytes,
  });
}

export async function uploadOk(client: Client, bytes: Uint8Array, options: UploadOptions = {}) {
  const res = await upload(client, bytes, options);
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return res.json<{
    id: string;
    status: string;
    sha256: string | null;
    name: string;
    contentType: string;
    size: number;
  }>();
}

/**
 * Calls the app with a modified environment (a failing binding, a smaller limit), as the given client.
 * Waits for the request's waitUntil work before returning.
 */
export async function fetchWith(
  overrides: Partial<Record<keyof Env | string, unknown>>,
  client: Client | null,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (client) {
    headers.set("Cookie", `${COOKIE_NAME}=${client.token}`);
    headers.set("Origin", BASE);
    headers.set("CF-Connecting-IP", client.ip);
  } else {
    headers.set("CF-Connecting-IP", "203.0.113.9");
  }
  if (!headers.has("Content-Length") && (init.body instanceof Uint8Array || typeof init.body === "string")) {
    const length =
      typeof init.body === "string" ? new TextEncoder().encode(init.body).byteLength : init.body.byteLength;
    headers.set("Content-Length", String(length));
  }
  const ctx = createExecutionContext();
  const res = await app.request(`${BASE}${path}`, { ...init, headers }, { ...env, ...overrides } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

class InjectedFault extends Error {
  constructor(what: string) {
    super(`injected fault: ${what}`);
  }
}

const SYNC_METHODS = new Set(["resumeMultipartUpload"]);

/** Wraps a binding so that the named methods throw (optionally only the first `times` calls). */
export function failing<T extends object>(target: T, methods: readonly string[], times = Number.POSITIVE_INFINITY): T {
  let left = times;
  return new Proxy(target, {
    get(object, property, receiver) {
      const value = Reflect.get(object, property, receiver);
      if (typeof property === "string" && methods.includes(property) && left > 0) {
        return (..._args: unknown[]) => {
          left--;
          // R2's resumeMultipartUpload is synchronous: it fails by throwing, the rest by rejecting.
          if (SYNC_METHODS.has(property)) throw new InjectedFault(property);
          return Promise.reject(new InjectedFault(property));
        };
      }
      return typeof value === "function" ? value.bind(object) : value;
    },
  });
}

/**
 * A request body that stops after `cutAt` bytes of `bytes`, as a client that goes away mid-upload: "close"
 * ends the stream early (fewer bytes than its Content-Length), "error" fails it (the connection dropped).
 * Chunks are 1 KiB, so a cut inside the first 4 KiB happens while the type is being sniffed.
 */
export function cutBody(bytes: Uint8Array, cutAt: number, how: "close" | "error"): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= cutAt) {
        if (how === "close") controller.close();
        else controller.error(new Error("client connection lost"));
        return;
      }
      const end = Math.min(cutAt, offset + 1_024);
      controller.enqueue(bytes.slice(offset, end));
      offset = end;
    },
  });
}

/** Sends `body` (a stream) with a Content-Length of `length` bytes, as the given client, through the app. */
export function sendStream(
  client: Client,
  method: "POST" | "PUT",
  path: string,
  body: ReadableStream<Uint8Array>,
  length: number,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetchWith({}, client, path, {
    method,
    headers: { ...headers, "Content-Length": String(length) },
    body,
    // @ts-expect-error: workerd needs duplex for a streamed request body
    duplex: "half",
  });
}

/** Every route on one multipart upload, with a request a client could send to it (a 1 000-byte part 1). */
export function multipartRoutes(id: string): { method: string; path: string; init: RequestInit }[] {
  const part = { "Content-Type": "application/octet-stream", "Content-Length": "1000" };
  return [
    { method: "GET", path: `/api/files/uploads/${id}`, init: {} },
    { method: "PUT", path: `/api/files/uploads/${id}/parts/1`, init: { headers: part, body: "p".repeat(1_000) } },
    { method: "POST", path: `/api/files/uploads/${id}/complete`, init: {} },
    { method: "DELETE", path: `/api/files/uploads/${id}`, init: {} },
  ].map((route) => ({ ...route, init: { ...route.init, method: route.method } }));
}

/** A problem+json body without the fields that differ per request, for comparing two refusals. */
export function problemShape(body: Record<string, unknown>): Record<string, unknown> {
  const { requestId: _, instance: __, ...rest } = body;
  return rest;
}

/**
 * R2 whose multipart `complete` calls wait until `n` of them are in flight, then go on one after another:
 * concurrent completes of one upload then really overlap, whatever the scheduling.
 */
export function overlappingCompletes(bucket: R2Bucket, n = 2): R2Bucket {
  let arrived = 0;
  let release: () => void = () => {};
  const together = new Promise<void>((resolve) => {
    release = resolve;
  });
  const bind = <T extends object>(target: T, property: string | symbol) => {
    const value = Reflect.get(target, property);
    return typeof value === "function" ? value.bind(target) : value;
  };
  return new Proxy(bucket, {
    get(target, property) {
      if (property !== "resumeMultipartUpload") return bind(target, property);
      return (key: string, uploadId: string) => {
        const upload = target.resumeMultipartUpload(key, uploadId);
        return new Proxy(upload, {
          get(inner, name) {
            if (name !== "complete") return bind(inner, name);
            return async (parts: R2UploadedPart[]) => {
              if (++arrived >= n) release();
              await together;
              return inner.complete(parts);
            };
          },
        });
      };
    },
  });
}

/** A queue producer that records what was sent instead of sending it. */
export function recordingQueue() {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (body: unknown) => {
      sent.push(body);
    },
    sendBatch: async (messages: Iterable<{ body: unknown }>) => {
      for (const message of messages) sent.push(message.body);
    },
  };
}

export async function fileRow(id: string) {
  return env.DB.prepare("SELECT * FROM files WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

export async function outboxRows(id: string) {
  return (await env.DB.prepare("SELECT * FROM file_outbox WHERE file_id = ?").bind(id).all()).results;
}

/** Every object under the files prefix, for orphan checks. */
export async function allObjectKeys(): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.FILES.list({ prefix: "f/", cursor });
    keys.push(...page.objects.map((object) => object.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return keys;
}

export async function allRowKeys(): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT object_key FROM files").all<{ object_key: string }>();
  return rows.results.map((row) => row.object_key);
}

/**
 * Everything a file event could change: every files row (all columns, updated_at included), every object
 * (etag and size), the outbox, dead letters, embeddings, the search index, and one owner's statistics.
 */
export async function everythingFiles(ownerId: string) {
  const all = async (sql: string) => (await env.DB.prepare(sql).all()).results;
  const objects: [string, string | undefined, number | undefined][] = [];
  for (const key of (await allObjectKeys()).sort()) {
    const head = await env.FILES.head(key);
    objects.push([key, head?.etag, head?.size]);
  }
  return {
    files: await all("SELECT * FROM files ORDER BY id"),
    objects,
    outbox: await all("SELECT * FROM file_outbox ORDER BY file_id"),
    deadLetters: await all("SELECT * FROM file_dead_letters ORDER BY message_id"),
    embeddings: await all("SELECT file_id, provider, dimensions, lexical FROM file_embeddings ORDER BY file_id"),
    search: await all("SELECT rowid, * FROM file_search ORDER BY rowid"),
    stats: await env.USER_STATS.get(env.USER_STATS.idFromName(ownerId)).get(),
  };
}
