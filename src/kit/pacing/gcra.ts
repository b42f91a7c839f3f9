// GCRA: a token bucket held as one number (the theoretical arrival time), so each decision is O(1).

export interface RatePolicy {
  /** Requests admitted in a burst; also the number refilled over one period. */
  limit: number;
  periodMs: number;
}

export interface GcraState {
  /** Theoretical arrival time: when the bucket would be full again if nothing else arrived. */
  tat: number;
}

export interface GcraDecision {
  allowed: boolean;
  limit: number;
  /** Whole requests still admissible right now. */
  remaining: number;
  /** Until the bucket is full again. */
  resetAfterMs: number;
  /** Until this request would be admitted (0 when allowed). */
  retryAfterMs: number;
  /** The state to store: unchanged when refused. */
  next: GcraState | null;
}

export function isValidPolicy(policy: RatePolicy): boolean {
  return (
    Number.isSafeInteger(policy.limit) &&
    policy.limit >= 1 &&
    policy.limit <= 1_000_000 &&
    Number.isSafeInteger(policy.periodMs) &&
    policy.periodMs >= 1 &&
    policy.periodMs <= 31 * 86_400_000
  );
}

/**
 * One GCRA step. `limit` requests pass in a burst, then one per `periodMs / limit`.
 *
 * @example
 * let state = null;
 * const d = decide(state, { limit: 10, periodMs: 60_000 }, Date.now());
 * if (d.allowed) state = d.next;
 */
export function decide(state: GcraState | null, policy: RatePolicy, now: number, cost = 1): GcraDecision {
  const interval = policy.periodMs / policy.limit;
  const burst = policy.periodMs; // the bucket's capacity, in time
  const tat = Math.max(state?.tat ?? now, now);
  const newTat = tat + interval * cost;
  const allowAt = newTat - burst;
  if (allowAt > now + 1e-9) {
    const remainingNow = Math.floor((burst - (tat - now)) / interval + 1e-9);
    return {
      allowed: false,
      limit: policy.limit,
      remaining: Math.max(0, remainingNow),
      resetAfterMs: Math.ceil(tat - now),
      retryAfterMs: Math.ceil(allowAt - now),
      next: state,
    };
  }
  return {
    allowed: true,
    limit: policy.limit,
    remaining: Math.max(0, Math.floor((burst - (newTat - now)) / interval + 1e-9)),
    resetAfterMs: Math.ceil(newTat - now),
    retryAfterMs: 0,
    next: { tat: newTat },
  };
}
