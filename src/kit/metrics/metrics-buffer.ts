// MetricsBuffer: counts accumulated in memory and flushed in batches, at most once per interval.

export type Deltas = Record<string, number>;

/**
 * Turns one counter update per event into one flush every `intervalMs` per isolate. Counts still in the
 * buffer when an isolate is evicted are lost: fine for metrics, not for anything that must be exact.
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
  #pending: Deltas = {};
  #size = 0;
  #lastFlush: number;

  constructor(options: { intervalMs?: number; now?: () => number } = {}) {
    this.#intervalMs = options.intervalMs ?? 5_000;
    this.#now = options.now ?? Date.now;
    this.#lastFlush = this.#now();
  }

  add(name: string, delta = 1): void {
    if (!(name in this.#pending)) this.#size++;
    this.#pending[name] = (this.#pending[name] ?? 0) + delta;
  }

  get size(): number {
    return this.#size;
  }

  /** Flushes when the interval has passed (or `force`); returns the flush to wait on, or undefined. */
  flushIfDue(flush: (deltas: Deltas) => Promise<unknown>, force = false): Promise<void> | undefined {
    const now = this.#now();
    if (this.#size === 0 || (!force && now - this.#lastFlush < this.#intervalMs)) return undefined;
    const deltas = this.#pending;
    this.#pending = {};
    this.#size = 0;
    this.#lastFlush = now;
    return flush(deltas).then(
      () => undefined,
      () => {
        // Put the counts back so the next flush carries them.
        for (const [name, delta] of Object.entries(deltas)) this.add(name, delta);
      },
    );
  }
}
