// File metadata cached in KV by id. The owner is inside the cached value, so every read checks it.
import { CacheService } from "@outpost/edge-kit/cache";
import { CACHE_NAMESPACES } from "../../http/app-cache";
import { recordCacheEvent } from "../../http/metrics";
import { type FileRecord, FileRecordSchema } from "./file-record";
import { FileRepository } from "./file-repository";

/** The files cache outside a request too (queue consumer, sweeper); `defer` runs writes after the response. */
function fileCache(env: Pick<Env, "CACHE">, defer?: (promise: Promise<unknown>) => void): CacheService {
  return new CacheService({
    kv: env.CACHE,
    namespace: "files",
    ...CACHE_NAMESPACES.files,
    defer,
    onEvent: recordCacheEvent,
  });
}

/** A file's record, from KV when cached, else from D1 (and then cached, "not found" included). */
export function cachedFile(
  env: Pick<Env, "CACHE" | "DB">,
  id: string,
  defer?: (promise: Promise<unknown>) => void,
): Promise<FileRecord | null> {
  return fileCache(env, defer).getOrSet(id, () => new FileRepository(env.DB).find(id), FileRecordSchema);
}

/** Drops a file's cached record after any change. A KV failure here is logged by the caller, never fatal. */
export async function forgetFile(env: Pick<Env, "CACHE">, id: string): Promise<void> {
  await fileCache(env).invalidate(id);
}
