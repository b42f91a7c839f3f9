// Middleware: request bodies above the configured limit are refused with 413 before a handler reads them.

import { AppError, errors } from "@outpost/edge-kit/errors";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getConfig } from "../config";
import type { AppEnv } from "./app-env";

export interface BodyLimitOptions {
  /** Requests that stream large bodies under their own, larger limit (file uploads). */
  exempt?: (method: string, path: string) => boolean;
}

/**
 * A body without a declared length is read here, at most `maxSize` bytes, and handed on as a buffer. Past the
 * limit the reader lets go of the stream before the 413, so drainUnreadBodies (unread-body.ts) can finish it:
 * hono's bodyLimit keeps the stream locked, and an unfinished body breaks the dev server's next request.
 */
async function bufferWithin(c: Context<AppEnv>, body: ReadableStream<Uint8Array>, maxSize: number): Promise<void> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw bodyCutShort();
      }
      if (chunk.done) break;
      size += chunk.value.byteLength;
      if (size > maxSize) throw errors.payloadTooLarge(maxSize);
      chunks.push(chunk.value);
    }
  } finally {
    reader.releaseLock();
  }
  const buffer = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    buffer.set(chunk, offset);
    offset += chunk.byteLength;
  }
  c.req.raw = new Request(c.req.raw, { body: buffer });
}

/** A body whose stream failed before its end (the client went away mid-request): the client's fault, a 400. */
export function bodyCutShort(): AppError {
  return new AppError(400, "body-length-mismatch", "The body ended before it was complete", {
    detail: "The request body could not be read to its end; send it again",
  });
}

export function requestBodyLimit(options: BodyLimitOptions = {}): MiddlewareHandler<AppEnv> {
  const byLimit = new Map<number, MiddlewareHandler>();
  return async (c, next) => {
    if (options.exempt?.(c.req.method, c.req.path)) return next();
    const maxSize = getConfig(c.env).MAX_BODY_BYTES;
    const body = c.req.raw.body;
    if (body && (!c.req.raw.headers.has("content-length") || c.req.raw.headers.has("transfer-encoding"))) {
      await bufferWithin(c, body, maxSize);
      return next();
    }
    // A declared length: hono's bodyLimit refuses one above the limit without reading anything.
    let handler = byLimit.get(maxSize);
    if (!handler) {
      handler = bodyLimit({
        maxSize,
        onError: () => {
          throw errors.payloadTooLarge(maxSize);
        },
      });
      byLimit.set(maxSize, handler);
    }
    return handler(c, next);
  };
}
