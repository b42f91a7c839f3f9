// Unread request bodies: read to the end in development before a refusal leaves, cancelled above the cap,
// untouched elsewhere. The dev-server symptom itself (500s on keep-alive) is checked by scripts/smoke.mjs.
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "./app-env";
import { requestBodyLimit } from "./body-limit";
import { onError } from "./error-handler";
import { drainBody, drainUnreadBodies } from "./unread-body";

/** A request body of `chunks` × 1 KiB that records how much of it was pulled and whether it was cancelled. */
function trackedBody(chunks: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(1024));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { state, stream };
}

function appFor(environment: string, { maxBytes, limit = false }: { maxBytes?: number; limit?: boolean } = {}) {
  const app = new Hono<AppEnv>();
  app.use("*", drainUnreadBodies(maxBytes === undefined ? {} : { maxBytes }));
  if (limit) app.use("*", requestBodyLimit()); // MAX_BODY_BYTES: 65 536
  app.onError(onError);
  // A refusal that never looks at the body, as the auth guard's 401 does.
  app.patch("/refuse", (c) => c.json({ code: "unauthenticated" }, 401));
  app.patch("/read", async (c) => c.json({ length: (await c.req.arrayBuffer()).byteLength }, 200));
  const bindings = { ...env, ENVIRONMENT: environment } as unknown as AppEnv["Bindings"];
  return (path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    app.request(path, { method: "PATCH", body, headers, duplex: "half" } as RequestInit, bindings);
}

describe("drainUnreadBodies", () => {
  it("reads an unread body to its end before a development refusal is answered", async () => {
    const { state, stream } = trackedBody(40);
    const res = await appFor("development")("/refuse", stream);
    expect(res.status).toBe(401);
    expect(state.pulled).toBe(40);
    expect(state.cancelled).toBe(false);
  });

  it("leaves a body the handler read alone, and the handler sees all of it", async () => {
    const { state, stream } = trackedBody(8);
    const res = await appFor("development")("/read", stream);
    expect(await res.json()).toEqual({ length: 8 * 1024 });
    expect(state.cancelled).toBe(false);
  });

  it("cancels instead of reading a body whose declared length is above the cap", async () => {
    const { state, stream } = trackedBody(64);
    const res = await appFor("development", { maxBytes: 16 * 1024 })("/refuse", stream, {
      "Content-Length": String(64 * 1024),
    });
    expect(res.status).toBe(401);
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThanOrEqual(1);
  });

  it("stops reading and cancels once a body without a length passes the cap", async () => {
    const { state, stream } = trackedBody(64);
    const res = await appFor("development", { maxBytes: 16 * 1024 })("/refuse", stream);
    expect(res.status).toBe(401);
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThan(64);
  });

  it("reads nothing outside development (production answers at once)", async () => {
    for (const environment of ["production", "test"]) {
      const { state, stream } = trackedBody(40);
      const res = await appFor(environment)("/refuse", stream);
      expect(res.status).toBe(401);
      expect(state.pulled).toBeLessThanOrEqual(1);
    }
  });
});

describe("requestBodyLimit with drainUnreadBodies", () => {
  it("refuses a body without a length past the limit with 413, and the rest of it is still drained", async () => {
    const { state, stream } = trackedBody(100);
    const res = await appFor("development", { limit: true })("/read", stream);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(state.pulled).toBe(100);
  });

  it("hands a body without a length under the limit to the handler whole", async () => {
    const { stream } = trackedBody(63);
    const res = await appFor("development", { limit: true })("/read", stream);
    expect(await res.json()).toEqual({ length: 63 * 1024 });
  });
});

describe("drainBody", () => {
  it("reports a locked body as not drained and does not throw", async () => {
    const { stream } = trackedBody(2);
    const reader = stream.getReader();
    expect(await drainBody(stream, 1024 * 1024)).toBe("cancelled");
    reader.releaseLock();
    expect(await drainBody(stream, 1024 * 1024)).toBe("drained");
  });
});
