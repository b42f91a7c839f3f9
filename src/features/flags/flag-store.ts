// The app's flag store: one FlagStore over KV CONFIG per isolate, with the flags' documented defaults.
import { FlagStore } from "@outpost/edge-kit/flags";
import { recordMetric } from "../../http/metrics";

/**
 * What a flag evaluates to when KV CONFIG cannot be read, instead of a 5xx. `assistant` is on unless a
 * stored flag says otherwise (README, "Assistant"), so it stays on; every other flag is off, as when it is
 * missing. An outage therefore cannot turn anything on that is off by default.
 */
export const FLAG_DEFAULTS: Readonly<Record<string, boolean>> = { assistant: true };

/** One store per KV binding per isolate, so its short definition cache is shared across requests. */
const stores = new WeakMap<KVNamespace, FlagStore>();
export function flagStore(env: Env): FlagStore {
  let store = stores.get(env.CONFIG);
  if (!store) {
    // No in-isolate definition cache here: evaluated sets are cached in KV (namespace "flags"), and a
    // second, staler layer could refill that cache with old definitions right after an invalidation.
    store = new FlagStore(env.CONFIG, {
      cacheMs: 0,
      defaults: FLAG_DEFAULTS,
      onUnavailable: () => recordMetric("flags:unavailable"),
    });
    stores.set(env.CONFIG, store);
  }
  return store;
}
