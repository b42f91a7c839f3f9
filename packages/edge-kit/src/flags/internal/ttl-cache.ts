// A bounded in-isolate memo of settled values, with a time-to-live and a generation that `clear()` moves on.

interface Entry<V> {
  value: V;
  at: number;
}

/**
 * Holds values, never promises: a promise started by one request and awaited by another can be left
 * unresolved when the first request ends ("a promise was resolved or rejected from a different request
 * context", developers.cloudflare.com/workers/observability/errors/), so each request reads for itself on a
 * miss. A read that began before `clear()` carries the old generation and is not stored, so an in-flight
 * read of old definitions cannot refill the cache after a write. The oldest entry goes first when full.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #maxEntries: number;
  #generation = 0;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** Pass this to `set` with a value read after it was taken. */
  get generation(): number {
    return this.#generation;
  }

  /** The value stored less than `ttlMs` before `now`, if any. */
  get(key: string, now: number, ttlMs: number): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const age = now - entry.at;
    if (age >= 0 && age < ttlMs) return entry.value;
    this.#entries.delete(key);
    return undefined;
  }

  /** Stores `value` unless the cache was cleared since `generation` was taken. */
  set(key: string, value: V, now: number, generation: number): void {
    if (generation !== this.#generation || this.#maxEntries <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, at: now });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
