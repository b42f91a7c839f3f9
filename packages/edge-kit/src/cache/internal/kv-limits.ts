// Workers KV limits the cache relies on (developers.cloudflare.com/kv/platform/limits/, read 2026-11).

/** `expirationTtl` below 60 s is refused by KV (developers.cloudflare.com/kv/api/write-key-value-pairs/). */
export const MIN_TTL_SECONDS = 60;

/** One multi-key `get` takes at most 100 keys and counts as a single operation. */
export const MAX_BULK_GET_KEYS = 100;

/** KV operations one Worker invocation may make; `list()` also returns at most 1 000 keys a page. */
export const MAX_KV_OPERATIONS = 1_000;

/**
 * A TTL KV accepts: whole seconds, never below 60. Non-finite input falls back to the minimum.
 *
 * @example
 * clampTtl(5); // 60
 * clampTtl(90.2); // 91
 */
export function clampTtl(seconds: number): number {
  if (!Number.isFinite(seconds)) return MIN_TTL_SECONDS;
  return Math.max(MIN_TTL_SECONDS, Math.ceil(seconds));
}
