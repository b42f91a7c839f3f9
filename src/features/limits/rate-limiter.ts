// RateLimiter Durable Object: one per key, one SQLite row of GCRA state, an alarm only while it matters.
import { DurableObject } from "cloudflare:workers";
import { decide, isValidPolicy, type RatePolicy } from "../../kit/pacing";

export interface LimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetAfterMs: number;
  retryAfterMs: number;
}

/**
 * Exact under concurrency: the object is single-threaded and the read, decision and write below run with
 * no await in between, so two requests can never both take the last token. Storage and work per request
 * are constant whatever the traffic (the seeds listed every stored request, O(n) per call).
 */
export class RateLimiter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS bucket (id INTEGER PRIMARY KEY CHECK (id = 1), tat REAL NOT NULL)",
    );
  }

  /** Takes `cost` tokens under `policy` (decided by the Worker from configuration, never by a client). */
  async consume(policy: RatePolicy, cost = 1): Promise<LimitResult> {
    if (!isValidPolicy(policy) || !Number.isSafeInteger(cost) || cost < 1 || cost > policy.limit) {
      return { allowed: false, limit: 0, remaining: 0, resetAfterMs: 0, retryAfterMs: 0 };
    }
    const now = Date.now();
    const row = this.ctx.storage.sql.exec<{ tat: number }>("SELECT tat FROM bucket WHERE id = 1").toArray()[0];
    const decision = decide(row ?? null, policy, now, cost);
    if (decision.allowed && decision.next) {
      this.ctx.storage.sql.exec(
        "INSERT INTO bucket (id, tat) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET tat = excluded.tat",
        decision.next.tat,
      );
      // Arm one alarm for when the bucket is full again; it deletes the row. None while idle.
      if (!row) this.ctx.storage.setAlarm(decision.next.tat);
    }
    const { allowed, limit, remaining, resetAfterMs, retryAfterMs } = decision;
    return { allowed, limit, remaining, resetAfterMs, retryAfterMs };
  }

  /** Deletes the state once it has expired; re-arms only if traffic moved the expiry on. Idempotent. */
  override async alarm(): Promise<void> {
    const row = this.ctx.storage.sql.exec<{ tat: number }>("SELECT tat FROM bucket WHERE id = 1").toArray()[0];
    if (!row) return;
    if (row.tat <= Date.now()) {
      this.ctx.storage.sql.exec("DELETE FROM bucket");
      return;
    }
    this.ctx.storage.setAlarm(row.tat);
  }
}
