// This client's reckoning of its allowance in the room (MESSAGE_POLICY: a token bucket the room keeps per user,
// shared by all of the user's sockets and kept across reconnects). It only spares the outbox refusals: order never
// depends on it being right, since the outbox sends one frame at a time.

export interface Allowance {
  /** How long until the room would take one more (0: now). */
  waitMs(): number;
  /** One was sent. */
  spend(): void;
  /** The room refused one and said to wait `retryAfterMs`: it has nothing left until then. */
  refused(retryAfterMs: number): void;
}

export function createAllowance(policy: { limit: number; periodMs: number } | null, now: () => number): Allowance {
  let left = policy?.limit ?? 0;
  let at = now();
  /** What the room would take now (fractions: refilling). */
  const current = () => (policy ? Math.min(policy.limit, left + ((now() - at) * policy.limit) / policy.periodMs) : 1);
  return {
    waitMs() {
      if (!policy) return 0;
      const have = current();
      return have >= 1 ? 0 : Math.ceil(((1 - have) * policy.periodMs) / policy.limit);
    },
    spend() {
      if (!policy) return;
      left = current() - 1;
      at = now();
    },
    refused(retryAfterMs) {
      if (!policy) return;
      left = 1 - (Math.max(0, retryAfterMs) * policy.limit) / policy.periodMs;
      at = now();
    },
  };
}
