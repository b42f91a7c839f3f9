export {
  type CacheEvent,
  type CacheEventKind,
  CacheService,
  type CacheServiceOptions,
  clampTtl,
  MIN_TTL_SECONDS,
} from "./cache-service";
export { DEFAULT_OPERATION_BUDGET, deleteByPrefix, type PrefixDeletion } from "./delete-by-prefix";
