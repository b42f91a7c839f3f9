// The app's cache namespaces, each a CacheService over KV CACHE with its TTLs and metrics.

import { CacheService } from "@outpost/edge-kit/cache";
import type { Context } from "hono";
import type { AppEnv } from "./app-env";
import { recordCacheEvent } from "./metrics";

/** Namespaces and their TTLs: hits live longer than misses (a "not found" should not linger). */
export const CACHE_NAMESPACES = {
  /** Public profiles by user id (display names for rooms, files, the admin list). */
  users: { hitTtlSeconds: 300, missTtlSeconds: 60 },
  /** Evaluated flag sets per user; a flag write bumps the namespace. */
  flags: { hitTtlSeconds: 60, missTtlSeconds: 60 },
  /** File metadata by id, owner inside the value; every status change invalidates its key. */
  files: { hitTtlSeconds: 60, missTtlSeconds: 60 },
  /** Link previews: a found preview for a day, a miss (refused, unreachable, no metadata) for 5 minutes. */
  previews: { hitTtlSeconds: 86_400, missTtlSeconds: 300 },
} as const;

export type CacheNamespace = keyof typeof CACHE_NAMESPACES;

export function appCache(c: Context<AppEnv>, namespace: CacheNamespace): CacheService {
  return new CacheService({
    kv: c.env.CACHE,
    namespace,
    ...CACHE_NAMESPACES[namespace],
    defer: (promise) => c.executionCtx.waitUntil(promise),
    onEvent: recordCacheEvent,
  });
}
