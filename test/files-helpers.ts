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
