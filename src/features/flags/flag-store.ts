// The app's flag store: one FlagStore over KV CONFIG per isolate.
import { FlagStore } from "@outpost/edge-kit/flags";

/** One store per KV binding per isolate, so its short definition cache is shared across requests. */
const stores = new WeakMap<KVNamespace, FlagStore>();
export function flagStore(env: Env): FlagStore {
  let store = stores.get(env.CONFIG);
  if (!store) {
    // No in-isolate definition cache here: evaluated sets are cached in KV (namespace "flags"), and a
    // second, staler layer could refill that cache with old definitions right after an invalidation.
    store = new FlagStore(env.CONFIG, { cacheMs: 0 });
    stores.set(env.CONFIG, store);
  }
  return store;
}
