// Per-upstream concurrency lanes: at most N calls in flight per service; slots always come back.

export interface Lanes {
  /** Runs `task` in `lane` once a slot is free; an aborted waiter leaves the line and takes no slot. */
  run<T>(lane: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Calls in flight per lane (for tests and metrics). */
  inFlight(lane: string): number;
  waiting(lane: string): number;
}

/**
 * @example
 * const lanes = createLanes({ ai: 2, unfurl: 4, d1: 6 }, 1);
 * await lanes.run("unfurl", () => env.UNFURL.preview(url), signal);
 */
export function createLanes(limits: Readonly<Record<string, number>>, defaultLimit = 1): Lanes {
  const active = new Map<string, number>();
  const queues = new Map<string, Array<() => void>>();
  const limitOf = (lane: string) => Math.max(1, limits[lane] ?? defaultLimit);

  const release = (lane: string) => {
    const queue = queues.get(lane);
    const next = queue?.shift();
    if (next) next();
    else active.set(lane, (active.get(lane) ?? 1) - 1);
  };

  return {
    inFlight: (lane) => active.get(lane) ?? 0,
    waiting: (lane) => queues.get(lane)?.length ?? 0,
    async run<T>(lane: string, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      if (signal?.aborted) throw signal.reason;
      if ((active.get(lane) ?? 0) < limitOf(lane)) {
        active.set(lane, (active.get(lane) ?? 0) + 1);
      } else {
        // Wait for a slot to be handed over (the releasing call keeps the count unchanged).
        await new Promise<void>((resolve, reject) => {
          const queue = queues.get(lane) ?? [];
          queues.set(lane, queue);
          const grant = () => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          };
          const onAbort = () => {
            const index = queue.indexOf(grant);
            if (index >= 0) queue.splice(index, 1);
            reject(signal?.reason);
          };
          signal?.addEventListener("abort", onAbort, { once: true });
          queue.push(grant);
        });
      }
      try {
        return await task();
      } finally {
        release(lane);
      }
    },
  };
}
