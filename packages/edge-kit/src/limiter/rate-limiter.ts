// RateLimiter Durable Object: one per key, one SQLite row of GCRA state, an alarm only while state exists.
import { DurableObject } from "cloudflare:workers";
import { decide, type GcraState, isValidPolicy, type RatePolicy } from "../pacing/gcra";

export interface LimitResult {
  allowed: boolean;
  limit: number;
  /** Requests of cost 1 still admissible now. */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetAfterMs: number;
  /** Milliseconds until this request would be admitted; 0 when allowed. */
  retryAfterMs: number;
  /** Set when the call itself was invalid: a bug in the caller, not a client over its limit. */
  invalid?: "policy" | "cost";
}

/**
 * One object per limited key (`idFromName(key)`); the caller passes the policy with each call, so one class
 * serves every policy. Export it from your Worker and bind it as a SQLite-backed Durable Object.
 *
 * Exact under concurrency: the object runs one event at a time and SQL calls are synchronous, so the
 * read, the decision and the write in `consume` happen with no await in between and two requests can
 * never both take the last token. Storage and work per request are constant whatever the traffic: one
 * row holding the GCRA `tat` (the seeds kept one entry per request and listed them all on every call).
 *
 * @example
 * const limiter = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName("api:user:42"));
 * const { allowed, retryAfterMs } = await limiter.consume({ limit: 600, periodMs: 60_000 });
 */
export class RateLimiter<E = unknown> extends DurableObject<E> {
  constructor(ctx: DurableObjectState, env: E) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS bucket (id INTEGER PRIMARY KEY CHECK (id = 1), tat REAL NOT NULL)",
    );
  }

  /**
   * Takes `cost` tokens if the bucket holds them. An invalid policy or cost is answered with a refusal
   * marked `invalid`, not thrown: an exception escaping a Durable Object may reset it.
   */
  async consume(policy: RatePolicy, cost = 1): Promise<LimitResult> {
    if (!isValidPolicy(policy)) return invalid("policy", 0);
    if (!Number.isSafeInteger(cost) || cost < 1 || cost > policy.limit) return invalid("cost", policy.limit);
    const decision = decide(this.#read(), policy, this.now(), cost);
    const { allowed, remaining, resetAfterMs, retryAfterMs, nextState } = decision;
    if (allowed && nextState) {
      this.ctx.storage.sql.exec(
        "INSERT INTO bucket (id, tat) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET tat = excluded.tat",
        nextState.tat,
      );
      // The decision is already stored: awaiting here cannot let another request see stale state.
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Math.ceil(nextState.tat));
    }
    return { allowed, limit: policy.limit, remaining, resetAfterMs, retryAfterMs };
  }

  /**
   * Gives back `cost` tokens taken by an earlier `consume` under the same policy, e.g. when a sign-in attempt
   * reserved a token before hashing and then proved not to be a failure. Never fills the bucket past full.
   * Returns false, changing nothing, for an invalid policy or cost (a caller's bug, as in `consume`).
   */
  async refund(policy: RatePolicy, cost = 1): Promise<boolean> {
    if (!isValidPolicy(policy) || !Number.isSafeInteger(cost) || cost < 1 || cost > policy.limit) return false;
    const state = this.#read();
    if (!state) return true;
    // One token is periodMs / limit ms of `tat`, a multiple of the policy's grid: decisions stay exact.
    const tat = state.tat - (cost * policy.periodMs) / policy.limit;
    if (tat <= this.now()) this.ctx.storage.sql.exec("DELETE FROM bucket");
    else this.ctx.storage.sql.exec("UPDATE bucket SET tat = ? WHERE id = 1", tat);
    return true;
  }

  /**
   * The limiter's clock, in epoch ms. Every decision reads it once, so a test can pin it (replace it on the
   * instance through `runInDurableObject`) and fire a whole burst at one instant: with a moving clock a
   * burst refills a little as it runs, which hides an off-by-one in the decision.
   */
  protected now(): number {
    return Date.now();
  }

  /**
   * Deletes the state once the bucket is full again, and then schedules nothing: an idle key costs no
   * storage and no wake-ups. If traffic moved the expiry on, checks again at the new one. Alarms are
   * delivered at least once, so a repeated or early run must be harmless, and it is.
   */
  override async alarm(): Promise<void> {
    const state = this.#read();
    if (!state) return;
    if (state.tat <= this.now()) {
      this.ctx.storage.sql.exec("DELETE FROM bucket");
      return;
    }
    await this.ctx.storage.setAlarm(Math.ceil(state.tat));
  }

  #read(): GcraState | null {
    return this.ctx.storage.sql.exec<{ tat: number }>("SELECT tat FROM bucket WHERE id = 1").toArray()[0] ?? null;
  }
}

function invalid(reason: "policy" | "cost", limit: number): LimitResult {
  return { allowed: false, limit, remaining: 0, resetAfterMs: 0, retryAfterMs: 0, invalid: reason };
}
