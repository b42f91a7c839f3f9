// A token-bucket queue for outbound calls: a rate, a burst and a concurrency cap, driven by elapsed time.
import { type Clock, systemClock } from "./clock";

export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Most tokens held at once (and the initial amount). */
  burst: number;
  /** Most tasks running at once. */
  concurrency: number;
  clock?: Clock;
}

export interface TokenBucketQueue {
  /** Runs `task` once a token and a slot are free; rejects with the signal's reason if aborted first. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  readonly waiting: number;
  readonly running: number;
}

interface Waiter {
  start: () => void;
  reject: (reason: unknown) => void;
}

/**
 * Tokens are computed from elapsed time on each decision, never counted by timer ticks, so the rate is
 * exact whatever the timers' jitter. When a waiter is blocked on tokens a single timer is armed for the
 * moment the next token exists, so the queue makes progress with no new arrivals. Aborted waiters leave
 * the queue at once and hold no slot. State is per instance: make one per request (or per Durable Object)
 * — a module-level singleton would be shared by unrelated requests in an isolate and by none across isolates.
 *
 * @example
 * const queue = createTokenBucketQueue({ ratePerSecond: 5, burst: 2, concurrency: 3 });
 * const page = await queue.run(() => fetch(url, { signal }), signal);
 */
export function createTokenBucketQueue(options: TokenBucketOptions): TokenBucketQueue {
  const clock = options.clock ?? systemClock;
  if (!(options.ratePerSecond > 0) || !(options.burst >= 1) || !(options.concurrency >= 1)) {
    throw new RangeError("ratePerSecond > 0, burst ≥ 1 and concurrency ≥ 1 are required");
  }
  let tokens = options.burst;
  let stamp = clock.now();
  let running = 0;
  let timer: unknown;
  const waiters: Waiter[] = [];

  const refill = () => {
    const now = clock.now();
    tokens = Math.min(options.burst, tokens + ((now - stamp) / 1000) * options.ratePerSecond);
    stamp = now;
  };

  const pump = () => {
    refill();
    while (waiters.length > 0 && running < options.concurrency && tokens >= 1) {
      const waiter = waiters.shift();
      if (!waiter) break;
      tokens -= 1;
      running++;
      waiter.start();
    }
    if (timer !== undefined) {
      clock.clearTimeout(timer);
      timer = undefined;
    }
    if (waiters.length > 0 && running < options.concurrency && tokens < 1) {
      const ms = Math.ceil(((1 - tokens) / options.ratePerSecond) * 1000);
      timer = clock.setTimeout(() => {
        timer = undefined;
        pump();
      }, ms);
    }
  };

  return {
    get waiting() {
      return waiters.length;
    },
    get running() {
      return running;
    },
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<T>((resolve, reject) => {
        const onAbort = () => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) {
            waiters.splice(index, 1);
            reject(signal?.reason);
            pump();
          }
        };
        const waiter: Waiter = {
          reject,
          start: () => {
            signal?.removeEventListener("abort", onAbort);
            let result: Promise<T>;
            try {
              result = task();
            } catch (error) {
              result = Promise.reject(error);
            }
            result.then(resolve, reject).finally(() => {
              running--;
              pump();
            });
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        waiters.push(waiter);
        pump();
      });
    },
  };
}
