// Middleware: in development, a request body the app answered without reading is read to its end (up to a cap)
// before the response leaves, so the dev server's keep-alive connection to workerd stays usable.
//
// Why (measured 2026-12-02, @cloudflare/vite-plugin 1.64.0, workerd 1.20261012): when a Worker answers before
// reading the request body, workerd ends that HTTP/1.1 connection, sometimes after answering it as keep-alive.
// The plugin's relay (undici, pooled) then sends the *next* request with a body on the dead connection, gets
// "other side closed"/ECONNRESET, and Vite answers 500 with an HTML stack: 9–30 % of the requests that follow a
// refusal. Reading the body fixes it (0 in 600); cancelling it does not (16–36 in 200). Production does not need
// this (the edge owns the client's connection), and reading costs a refusal the upload's time, so it is off there.
// Report with a minimal reproduction: docs/upstream/vite-plugin-keep-alive-500.md.

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";

/** Bodies up to this size are read to the end; larger ones are cancelled (see `drainUnreadBodies`). */
export const DRAIN_MAX_BYTES = 16 * 1024 * 1024;

export interface DrainOptions {
  /** Whether to drain for this environment; development only by default. */
  enabled?: (env: AppEnv["Bindings"]) => boolean;
  /** Read at most this many bytes; a larger body is cancelled instead (its connection then closes). */
  maxBytes?: number;
}

const inDevelopment = (env: AppEnv["Bindings"]) => (env as { ENVIRONMENT?: string }).ENVIRONMENT === "development";

/** Reads `body` to its end, or cancels it once more than `maxBytes` have come. Never throws. */
export async function drainBody(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<"drained" | "cancelled"> {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = body.getReader();
  } catch {
    return "cancelled"; // locked by a reader that is still at work
  }
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return "drained";
      read += value.byteLength;
      if (read > maxBytes) {
        await reader.cancel("request body not needed");
        return "cancelled";
      }
    }
  } catch {
    return "cancelled"; // the client went away or the stream errored: nothing left to protect
  } finally {
    reader.releaseLock();
  }
}

/**
 * After the app has answered, a request body that nobody read (or only began to read) is read to its end when
 * `enabled`, up to `maxBytes`; a declared Content-Length above that is cancelled straight away. Bodies still
 * locked by a reader (a stream still being stored) are left alone.
 */
export function drainUnreadBodies(options: DrainOptions = {}): MiddlewareHandler<AppEnv> {
  const enabled = options.enabled ?? inDevelopment;
  const maxBytes = options.maxBytes ?? DRAIN_MAX_BYTES;
  return async (c, next) => {
    const raw = c.req.raw;
    await next();
    const body = raw.body;
    if (!body || body.locked || !enabled(c.env)) return;
    const declared = Number(raw.headers.get("content-length") ?? Number.NaN);
    if (declared > maxBytes) {
      await body.cancel("request body not needed").catch(() => {});
      return;
    }
    await drainBody(body, maxBytes);
  };
}
