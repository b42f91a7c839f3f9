// Edge cache for public routes: the Cache API with a strong ETag and 304s, never for credentials.
import type { MiddlewareHandler } from "hono";
import { sha256Hex } from "../kit/crypto";
import type { AppEnv } from "./app-env";

export interface EdgeCacheOptions {
  maxAgeSeconds: number;
  onEvent?: (kind: "hit" | "miss" | "bypass") => void;
}

function matchesEtag(ifNoneMatch: string | undefined, etag: string | null): boolean {
  if (!ifNoneMatch || !etag) return false;
  return ifNoneMatch.split(",").some((tag) => tag.trim() === etag || tag.trim() === "*");
}

function notModified(etag: string, maxAge: number): Response {
  return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": `public, max-age=${maxAge}` } });
}

/**
 * For GET routes whose answer is the same for everyone. Requests with `Authorization` or any `Cookie` are
 * passed through untouched, and only a 200 without `Set-Cookie` or `private`/`no-store` is stored, so one
 * user's response can never be served to another. The Cache API is a no-op on *.workers.dev and in some
 * local setups (design.md §6.10): the route then simply runs every time.
 */
export function edgeCache(options: EdgeCacheOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== "GET" || c.req.header("Authorization") || c.req.header("Cookie")) {
      options.onEvent?.("bypass");
      return next();
    }
    const key = new Request(new URL(c.req.url).toString(), { method: "GET" });
    const cache = (caches as unknown as { default: Cache }).default;
    const hit = await cache.match(key);
    if (hit) {
      options.onEvent?.("hit");
      const etag = hit.headers.get("ETag");
      if (etag && matchesEtag(c.req.header("If-None-Match"), etag)) return notModified(etag, options.maxAgeSeconds);
      return new Response(hit.body, hit);
    }
    options.onEvent?.("miss");
    await next();
    const res = c.res;
    const control = res.headers.get("Cache-Control") ?? "";
    if (res.status !== 200 || res.headers.has("Set-Cookie") || /private|no-store/i.test(control)) return;
    const body = await res.clone().arrayBuffer();
    const etag = `"${(await sha256Hex(new TextDecoder().decode(body))).slice(0, 32)}"`;
    const headers = new Headers(res.headers);
    headers.set("ETag", etag);
    headers.set("Cache-Control", `public, max-age=${options.maxAgeSeconds}`);
    const stored = new Response(body, { status: 200, headers });
    c.executionCtx.waitUntil(cache.put(key, stored.clone()));
    c.res = matchesEtag(c.req.header("If-None-Match"), etag) ? notModified(etag, options.maxAgeSeconds) : stored;
  };
}
