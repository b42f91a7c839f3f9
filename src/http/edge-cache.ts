// Edge cache for public routes: the Cache API with a strong ETag and 304s, never for credentials.

import { toHex } from "@outpost/edge-kit/crypto";
import type { Context, MiddlewareHandler } from "hono";
import { etag } from "hono/etag";
import type { AppEnv } from "./app-env";

export type EdgeCacheEvent = "hit" | "miss" | "bypass" | "error";

export interface EdgeCacheOptions {
  /** `max-age` of stored responses, for this cache, browsers and shared caches alike. */
  maxAgeSeconds: number;
  onEvent?: (kind: EdgeCacheEvent) => void;
  /** The cache to use; `caches.default` unless a test or a named cache (`caches.open`) is wanted. */
  cache?: () => Cache | Promise<Cache>;
}

/**
 * Headers that describe the representation, the only ones stored. Anything else on the origin response was
 * made for one request (request id, rate-limit state, CORS for one Origin) and must not reach the next.
 */
const STORED_HEADERS = ["content-type", "content-language", "content-disposition", "last-modified"];

/** A request is served from or stored in the cache only if nothing in it could identify a user. */
function isCacheableRequest(request: Request): boolean {
  // Any Cookie counts, not only __Host-outpost_session: a public route must not depend on cookies at all.
  return request.method === "GET" && !request.headers.has("Authorization") && !request.headers.has("Cookie");
}

/** `Cache-Control` directives that forbid serving a response to others without asking the origin again. */
const UNSHAREABLE = new Set(["private", "no-store", "no-cache"]);

/**
 * Only a plain 200 that its route did not mark private may be stored for everyone. The key is the URL alone,
 * so a response that varies by a request header (other than Accept-Encoding) is not stored either.
 */
export function isStorableResponse(response: Response): boolean {
  const directives = (response.headers.get("Cache-Control") ?? "")
    .split(",")
    .map((directive) => directive.split("=")[0]?.trim().toLowerCase() ?? "");
  const vary = (response.headers.get("Vary") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "" && name !== "accept-encoding");
  return (
    response.status === 200 &&
    !response.headers.has("Set-Cookie") &&
    !directives.some((directive) => UNSHAREABLE.has(directive)) &&
    vary.length === 0
  );
}

/** Strong validator: the first 128 bits of the body's SHA-256, as 32 hex digits. */
async function strongEtag(body: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", body);
  return `"${toHex(new Uint8Array(digest, 0, 16))}"`;
}

/** waitUntil when the runtime gave us an execution context (it always does in production). */
function afterResponse(c: Context<AppEnv>, task: Promise<unknown>): Promise<unknown> | undefined {
  try {
    c.executionCtx.waitUntil(task);
    return undefined;
  } catch {
    return task;
  }
}

/**
 * For GET routes whose answer is the same for everyone; mount it on those routes only. Requests carrying
 * `Authorization` or any `Cookie` pass straight through, untouched and unstored. Of the rest, only a 200
 * without `Set-Cookie`, `Cache-Control: private`/`no-store`/`no-cache` or a `Vary` on request headers is
 * stored (with representation headers only) and given a strong ETag; a matching `If-None-Match` gets a 304
 * (Hono's etag middleware). Responses left unstored are passed on untouched. The body is buffered to hash
 * it, so this is for documents, not for streams.
 *
 * Platform: the Cache API stores nothing on `*.workers.dev` hosts, only on a custom domain, and refuses
 * responses with `Set-Cookie` (design.md §6.10; developers.cloudflare.com/workers/runtime-apis/cache/). There
 * every request is a miss and the route simply runs each time, still with its ETag and 304s. The cache is
 * per data centre, so a route change shows everywhere only after `maxAgeSeconds`.
 *
 * @example
 * const publicCache = edgeCache({ maxAgeSeconds: 300 });
 * app.get("/api/openapi.json", publicCache, (c) => c.json(document));
 */
export function edgeCache(options: EdgeCacheOptions): MiddlewareHandler<AppEnv> {
  const cacheControl = `public, max-age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`;
  const openCache = options.cache ?? (() => caches.default);
  // The stored ETag is already on every response it sees: it only answers If-None-Match.
  const conditional = etag();

  return async (c, next) => {
    if (!isCacheableRequest(c.req.raw)) {
      options.onEvent?.("bypass");
      return next();
    }
    // Keyed by URL alone (a fresh GET without the client's headers), so no request header can split it.
    const key = new Request(c.req.url, { method: "GET" });
    let cache: Cache | undefined;
    let hit: Response | undefined;
    try {
      cache = await openCache();
      hit = await cache.match(key);
    } catch {
      options.onEvent?.("error");
    }

    if (hit) {
      const stored = hit;
      options.onEvent?.("hit");
      // newResponse keeps the headers earlier middleware prepared for this request (rate limits, CORS).
      await conditional(c, async () => {
        c.res = c.newResponse(stored.body, stored);
      });
      return;
    }

    options.onEvent?.("miss");
    await next();
    if (!isStorableResponse(c.res)) return;

    const origin = c.res;
    const body = await origin.arrayBuffer();
    const tag = origin.headers.get("ETag") ?? (await strongEtag(body));
    const forStore = new Headers();
    for (const name of STORED_HEADERS) {
      const value = origin.headers.get(name);
      if (value !== null) forStore.set(name, value);
    }
    forStore.set("ETag", tag);
    forStore.set("Cache-Control", cacheControl);
    if (cache) {
      const put = cache.put(key, new Response(body, { status: 200, headers: forStore })).catch(() => {
        options.onEvent?.("error");
      });
      const inline = afterResponse(c, put);
      if (inline) await inline;
    }

    const forClient = new Headers(origin.headers);
    forClient.set("ETag", tag);
    forClient.set("Cache-Control", cacheControl);
    // Reset first: assigning over a response merges its headers back in, and the origin's would win.
    c.res = undefined;
    await conditional(c, async () => {
      c.res = new Response(body, { status: 200, headers: forClient });
    });
  };
}
