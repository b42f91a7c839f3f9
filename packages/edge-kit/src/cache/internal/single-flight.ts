// Single-flight: concurrent callers for one key in this isolate share one run, and never wait forever on it.

const TIMED_OUT: unique symbol = Symbol("single-flight wait timed out");

/**
 * In-flight work by key. A caller that finds work in flight waits for it, but at most `waitMs`: in Workers a
 * promise started by one request is cancelled if that request ends first (its client went away), and the
 * other requests awaiting it would hang until the runtime kills them ("script will never generate a
 * response", developers.cloudflare.com/workers/observability/errors/). A waiter that times out takes the key
 * over with a run of its own, so one lost leader never blocks a key for the life of the isolate.
 */
export class SingleFlight {
  readonly #flights = new Map<string, Promise<unknown>>();

  /** Runs `work`, or joins the run already in flight for `key`. */
  run<T>(key: string, work: () => Promise<T>, waitMs: number): Promise<T> {
    const current = this.#flights.get(key) as Promise<T> | undefined;
    return current ? this.#join(key, current, work, waitMs) : this.#start(key, work);
  }

  /** Later callers start afresh instead of joining the run in flight (which still settles for its callers). */
  forget(key: string): void {
    this.#flights.delete(key);
  }

  /** Like `forget`, for every key that starts with `prefix`. */
  forgetPrefix(prefix: string): void {
    for (const key of [...this.#flights.keys()]) if (key.startsWith(prefix)) this.#flights.delete(key);
  }

  /** Runs in flight. */
  get size(): number {
    return this.#flights.size;
  }

  #start<T>(key: string, work: () => Promise<T>): Promise<T> {
    const flight: Promise<T> = Promise.resolve()
      .then(work)
      .finally(() => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      });
    this.#flights.set(key, flight);
    return flight;
  }

  async #join<T>(key: string, flight: Promise<T>, work: () => Promise<T>, waitMs: number): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), waitMs);
    });
    try {
      const result = await Promise.race([flight, expired]);
      if (result !== TIMED_OUT) return result;
    } finally {
      clearTimeout(timer);
    }
    if (this.#flights.get(key) === flight) this.#flights.delete(key);
    return this.run(key, work, waitMs);
  }
}
