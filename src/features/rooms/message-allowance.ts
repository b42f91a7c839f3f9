// Each user's message allowance in a room, shared by all of their sockets there (MESSAGE_POLICY): one GCRA state
// per user in the object's memory. The state also rides in the attachment of the socket that last sent (written
// with the message anyway), so after hibernation it is rebuilt from the user's sockets: no storage write per message.
import { decide, type GcraDecision, type GcraState } from "@outpost/edge-kit/pacing";
import { attachmentOf } from "./room-sockets";
import { MESSAGE_POLICY } from "./rooms.schema";

/** Past this many users, states whose bucket is full again are dropped (they decide like no state at all). */
const PRUNE_ABOVE = 1_000;

export class MessageAllowance {
  readonly #states = new Map<string, GcraState | null>();
  /**
   * After a refusal, the user's frames are refused until the time it named, even if a token comes back sooner:
   * so of frames sent at once, those accepted are always the first ones, and a client that re-sends from its first
   * refused frame keeps its order.
   */
  readonly #refusedUntil = new Map<string, number>();
  readonly #socketsOf: (userId: string) => readonly WebSocket[];

  /** `socketsOf`: the user's sockets in the room (the object's `getWebSockets(userId)`). */
  constructor(socketsOf: (userId: string) => readonly WebSocket[]) {
    this.#socketsOf = socketsOf;
  }

  /** Spends one message of `userId`'s allowance if there is one; `nextState` goes into the sender's attachment. */
  take(userId: string, now: number): GcraDecision {
    const state = this.#states.has(userId) ? (this.#states.get(userId) ?? null) : this.#rebuild(userId);
    const until = this.#refusedUntil.get(userId);
    if (until !== undefined && now < until) {
      return { allowed: false, remaining: 0, resetAfterMs: until - now, retryAfterMs: until - now, nextState: state };
    }
    if (until !== undefined) this.#refusedUntil.delete(userId);
    const decision = decide(state, MESSAGE_POLICY, now);
    if (this.#states.size >= PRUNE_ABOVE) this.#prune(now);
    this.#states.set(userId, decision.allowed ? decision.nextState : state);
    if (!decision.allowed) this.#refusedUntil.set(userId, now + decision.retryAfterMs);
    return decision;
  }

  /**
   * After hibernation (memory gone): the most spent state among the user's sockets. Each decision builds on the
   * one before, so the latest is the one furthest ahead. A user whose last sender closed before the object went
   * idle gets a full bucket, as the idle time that hibernation needs (about 10 s) refills it anyway (6 s).
   */
  #rebuild(userId: string): GcraState | null {
    let latest: GcraState | null = null;
    for (const ws of this.#socketsOf(userId)) {
      const bucket = attachmentOf(ws)?.bucket;
      if (bucket && (!latest || bucket.tat > latest.tat)) latest = bucket;
    }
    return latest;
  }

  #prune(now: number): void {
    for (const [userId, state] of this.#states) if (!state || state.tat <= now) this.#states.delete(userId);
    for (const [userId, until] of this.#refusedUntil) if (until <= now) this.#refusedUntil.delete(userId);
  }
}
