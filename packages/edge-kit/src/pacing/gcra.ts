// GCRA (generic cell rate algorithm): a token bucket held as one number, so every decision is O(1).

/** `limit` requests pass in a burst; the bucket then refills evenly, `limit` requests per `periodMs`. */
export interface RatePolicy {
  limit: number;
  periodMs: number;
}

/** The whole state of one bucket. */
export interface GcraState {
  /** Theoretical arrival time (epoch ms, like `now`): when the bucket will be full again. */
  tat: number;
}

export interface GcraDecision {
  allowed: boolean;
  /** Requests of cost 1 admissible right after this decision. */
  remaining: number;
  /** Whole milliseconds until the bucket is full again. */
  resetAfterMs: number;
  /** Whole milliseconds until the same request would be admitted; 0 when allowed. */
  retryAfterMs: number;
  /** The state to keep: the new one when allowed, the given one (nothing to write) when refused. */
  nextState: GcraState | null;
}

/** Bounds of a policy: wide enough for any real limit, small enough for exact arithmetic (see `decide`). */
export const MAX_LIMIT = 100_000;
export const MAX_PERIOD_MS = 30 * 86_400_000;
/** Refill instants fall on a grid of `1/grid` ms, `grid = limit / gcd(limit, periodMs)`; see `decide`. */
export const MAX_GRID = 2_000;

/**
 * True for a policy `decide` accepts: whole numbers, `1 ≤ limit ≤ MAX_LIMIT`, `1 ≤ periodMs ≤ MAX_PERIOD_MS`,
 * and `limit / gcd(limit, periodMs) ≤ MAX_GRID` (every limit up to 2 000 passes; so do round ones such as
 * 10 000 per minute, not 4 999 per minute). Use it where a policy crosses a boundary (RPC, configuration).
 *
 * @example
 * isValidPolicy({ limit: 600, periodMs: 60_000 }); // true
 * isValidPolicy({ limit: 0, periodMs: 60_000 }); // false
 */
export function isValidPolicy(policy: unknown): policy is RatePolicy {
  if (typeof policy !== "object" || policy === null) return false;
  const { limit, periodMs } = policy as Record<string, unknown>;
  return (
    isIntegerIn(limit, 1, MAX_LIMIT) &&
    isIntegerIn(periodMs, 1, MAX_PERIOD_MS) &&
    limit / gcd(limit, periodMs) <= MAX_GRID
  );
}

/**
 * One GCRA step at time `now` for a request costing `cost` tokens. Pure: the caller keeps the state and
 * the clock (`now` in whole epoch milliseconds, e.g. `Date.now()`). Throws RangeError for an invalid
 * policy or a cost outside `1..limit` (a request that could never pass): check untrusted input with
 * `isValidPolicy` first.
 *
 * Exact: the arithmetic runs in integer ticks of `1/limit` ms (one token is `periodMs` ticks, the bucket
 * `limit × periodMs`), so refill instants are exact and rounding never accumulates. The one rounding step
 * reads the stored float `tat` back: `tat − now` is a multiple of `1/grid` ms, and a float epoch is within
 * 2.5e-4 ms of its true value until 2^42 ms (the year 2109), so with `grid ≤ MAX_GRID` the multiple is
 * recovered exactly.
 *
 * @example
 * let state: GcraState | null = null;
 * const decision = decide(state, { limit: 10, periodMs: 60_000 }, Date.now());
 * if (decision.allowed) state = decision.nextState;
 * else console.log(`retry in ${decision.retryAfterMs} ms`);
 */
export function decide(state: GcraState | null, policy: RatePolicy, now: number, cost = 1): GcraDecision {
  if (!isValidPolicy(policy)) throw new RangeError("GCRA policy needs whole numbers within bounds");
  if (!isIntegerIn(cost, 1, policy.limit)) throw new RangeError("GCRA cost must be a whole number in 1..limit");
  if (!Number.isFinite(now)) throw new RangeError("GCRA needs a finite clock reading");
  const { limit, periodMs } = policy;
  const capacity = limit * periodMs;
  const ticksPerGrid = gcd(limit, periodMs);
  const grid = limit / ticksPerGrid;
  // Ticks the bucket is short of full. Capped at the capacity: a state written under a longer period,
  // or a clock that stepped back, leaves the bucket empty rather than in debt.
  const pending =
    state && state.tat > now ? Math.min(capacity, Math.round((state.tat - now) * grid) * ticksPerGrid) : 0;
  const after = pending + cost * periodMs;
  if (after > capacity) {
    return outcome(false, state, {
      remaining: Math.floor((capacity - pending) / periodMs),
      resetAfterMs: Math.ceil(pending / limit),
      retryAfterMs: Math.ceil((after - capacity) / limit),
    });
  }
  return outcome(
    true,
    { tat: now + after / limit },
    {
      remaining: Math.floor((capacity - after) / periodMs),
      resetAfterMs: Math.ceil(after / limit),
      retryAfterMs: 0,
    },
  );
}

function outcome(
  allowed: boolean,
  nextState: GcraState | null,
  times: Pick<GcraDecision, "remaining" | "resetAfterMs" | "retryAfterMs">,
): GcraDecision {
  return { allowed, ...times, nextState };
}

function gcd(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}
