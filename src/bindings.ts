// Bindings outside a request (the cron sweeper, the queue consumer): checked before any work, by name.
import { createBindingAccessor } from "@outpost/edge-kit/context";

/** What the files background work touches: D1, R2, the queue, the stats objects and the KV cache. */
export const FILES_BINDINGS = ["DB", "FILES", "FILE_EVENTS", "USER_STATS", "CACHE"] as const;

/**
 * `env` with `names` checked present. A handler started by cron or a queue has no request to fail: a missing
 * binding would otherwise surface as a TypeError halfway through a batch (some messages handled, some not)
 * and be retried until the dead-letter queue. Here it throws BindingUnavailableError naming the binding before
 * the first step, so the deploy's mistake is one clear log line.
 */
export function requireBindings<K extends keyof Env & string>(env: Env, names: readonly K[]): Env {
  const bindings = createBindingAccessor<Env>(() => env);
  for (const name of names) bindings.get(name);
  return env;
}
