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

/** Bounds of a policy: wide enough for any real limit, small enough for exact integer arithmetic. */
export const MAX_LIMIT = 100_000;
export const MAX_PERIOD_MS = 30 * 86_400_000;

/**
 * True for a policy `decide` accepts: whole numbers, `1 ≤ limit ≤ MAX_LIMIT`, `1 ≤ periodMs ≤ MAX_PERIOD_MS`.
 * Use it where a policy crosses a boundary (an RPC call, a config file).
 *
 * @example
 * isValidPolicy({ limit: 600, periodMs: 60_000 }); // true
 * isValidPolicy({ limit: 0, periodMs: 60_000 }); // false
 */
export function isValidPolicy(policy: unknown): policy is RatePolicy {
  if (typeof policy !== "object" || policy === null) return false;
  const { limit, periodMs } = policy as Record<string, unknown>;
  return isIntegerIn(limit, 1, MAX_LIMIT) && isIntegerIn(periodMs, 1, MAX_PERIOD_MS);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

/**
 * One GCRA step at time `now` for a request costing `cost` tokens. Pure: the caller keeps the state and
 * the clock. Throws RangeError for an invalid policy or a cost outside `1..limit` (a request that could
 * never pass); check untrusted input with `isValidPolicy` first.
 *
 * The arithmetic runs in integer ticks of `1/limit` ms, in which one token is `periodMs` ticks and the
 * bucket `limit × periodMs` ticks, so refill instants are exact and rounding never accumulates. The only
 * rounding is reading the stored `tat` back (one float, error ≤ half an ulp: 1.2e-4 ms until 2039), which
 * recovers the exact tick whenever `limit < 4096`; above that a decision can differ from exact arithmetic
 * only for a request arriving within 0.12 µs of a refill instant.
 *
 * @example
 * let state: GcraState | null = null;
 * const decision = decide(state, { limit: 10, periodMs: 60_000 }, Date.now());
 * if (decision.allowed) state = decision.nextState;
 * else console.log(`retry in ${decision.retryAfterMs} ms`);
 */
export function decide(state: GcraState | null, policy: RatePolicy, now: number, cost = 1): GcraDecision {
  if (!isValidPolicy(policy)) throw new RangeError("GCRA policy needs whole numbers within bounds");
  if (!isIntegerIn(cost, 1, policy.limit)) throw new RangeError(`GCRA cost must be a whole number in 1..limit`);
  const { limit, periodMs } = policy;
  const capacity = limit * periodMs;
  // Ticks the bucket is short of full. Capped at the capacity: a state written under a longer period,
  // or a clock that stepped back, leaves the bucket empty rather than in debt.
  const pending = state && state.tat > now ? Math.min(capacity, Math.round((state.tat - now) * limit)) : 0;
  const after = pending + cost * periodMs;
  if (after > capacity) {
    return {
      allowed: false,
      remaining: Math.floor((capacity - pending) / periodMs),
      resetAfterMs: Math.ceil(pending / limit),
      retryAfterMs: Math.ceil((after - capacity) / limit),
      nextState: state,
    };
  }
  return {
    allowed: true,
    remaining: Math.floor((capacity - after) / periodMs),
    resetAfterMs: Math.ceil(after / limit),
    retryAfterMs: 0,
    nextState: { tat: now + after / limit },
  };
}
