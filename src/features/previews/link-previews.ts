// Link previews through the UNFURL service binding, cached in KV: a day for a preview, 5 minutes for a miss.
import { CacheService } from "@outpost/edge-kit/cache";
import { sha256Hex } from "@outpost/edge-kit/crypto";
import { CACHE_NAMESPACES } from "../../http/app-cache";
import { recordCacheEvent } from "../../http/metrics";
import type { PreviewResult } from "../../unfurl";

import { LinkPreviewSchema } from "./previews.schema";

export { LinkPreviewSchema, type LinkPreviewView } from "./previews.schema";

export interface PreviewDeps {
  /** Runs the service call (e.g. through a lane and the subrequest budget). */
  call?: <T>(task: () => Promise<T>) => Promise<T>;
  defer?: (promise: Promise<unknown>) => void;
}

/**
 * The preview of `url`, or null when there is none (refused, unreachable, not HTML, no metadata). Misses are
 * cached too, for a shorter time, so a dead link costs one fetch per 5 minutes rather than one per mention.
 */
export async function linkPreview(env: Pick<Env, "CACHE" | "UNFURL">, url: string, deps: PreviewDeps = {}) {
  const cache = new CacheService({
    kv: env.CACHE,
    namespace: "previews",
    ...CACHE_NAMESPACES.previews,
    defer: deps.defer,
    onEvent: recordCacheEvent,
  });
  const call = deps.call ?? (<T>(task: () => Promise<T>) => task());
  return cache.getOrSet(
    await sha256Hex(url),
    async () => {
      // RPC results are typed as stubs; the service returns plain data.
      const result = (await call(() => env.UNFURL.preview(url) as unknown as Promise<PreviewResult>)) as PreviewResult;
      if (!result.ok) return null;
      // What the service answered is checked like any input: a preview whose URLs do not parse is no preview.
      const parsed = LinkPreviewSchema.safeParse(result.preview);
      if (!parsed.success) return null;
      const preview = parsed.data;
      return preview.title || preview.description ? preview : null;
    },
    LinkPreviewSchema,
  );
}
