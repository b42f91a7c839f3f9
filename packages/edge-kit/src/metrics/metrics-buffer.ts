// MetricsBuffer: counts accumulated in memory and flushed in batches, at most once per interval.

export type Deltas = Record<string, number>;

export interface MetricsBufferOptions {
  /** Least time between two flushes (default 5 000 ms). */
  intervalMs?: number;
  now?: () => number;
}

/**
 * Turns one counter update per event into one flush every `intervalMs` per isolate, e.g. one Durable Object
 * call every few seconds instead of one per cache read. A failed flush puts its counts back for the next
 * one. Counts still in the buffer when an isolate is evicted are lost: fine for metrics, not for anything
 * that must be exact.
 *
 * @example
 * const buffer = new MetricsBuffer({ intervalMs: 5_000 });
 * buffer.add("cache:users:hit");
 * const flush = buffer.flushIfDue((deltas) => metricsStub.add(deltas));
 * if (flush) ctx.waitUntil(flush);
 */
export class MetricsBuffer {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #pending = new Map<string, number>();
  #lastFlush: number;

  constructor(options: MetricsBufferOptions = {}) {
    this.#intervalMs = options.intervalMs ?? 5_000;
    this.#now = options.now ?? Date.now;
    this.#lastFlush = this.#now();
  }

  /** Adds `delta` (default 1) to the counter `name`. */
  add(name: string, delta = 1): void {
    if (!Number.isFinite(delta) || delta === 0) return;
    this.#pending.set(name, (this.#pending.get(name) ?? 0) + delta);
  }

  /** Counters waiting to be flushed. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Hands the pending counts to `flush` when the interval has passed since the last flush (or `force`);
   * returns the flush to wait on (it never rejects), or undefined when nothing was due.
   */
  flushIfDue(flush: (deltas: Deltas) => Promise<unknown>, force = false): Promise<void> | undefined {
    const now = this.#now();
    if (this.#pending.size === 0 || (!force && now - this.#lastFlush < this.#intervalMs)) return undefined;
    const deltas = Object.fromEntries(this.#pending);
    this.#pending = new Map();
    this.#lastFlush = now;
    // Called on a later microtask so that a callback throwing synchronously is a failed flush too.
    return Promise.resolve()
      .then(() => flush(deltas))
      .then(
        () => undefined,
        () => {
          for (const [name, delta] of Object.entries(deltas)) this.add(name, delta);
        },
      );
  }
}
