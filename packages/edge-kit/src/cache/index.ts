// Public surface of the cache area: KV cache-aside with versioned namespaces, and exact prefix deletion.
export {
  type CacheEvent,
  type CacheEventKind,
  CacheService,
  type CacheServiceOptions,
  MAX_GET_MANY_KEYS,
} from "./cache-service";
export {
  DEFAULT_OPERATION_BUDGET,
  deleteByPrefix,
  type PrefixDeletion,
  type PrefixDeletionOptions,
} from "./delete-by-prefix";
export { clampTtl, MAX_BULK_GET_KEYS, MAX_KV_OPERATIONS, MIN_TTL_SECONDS } from "./internal/kv-limits";
