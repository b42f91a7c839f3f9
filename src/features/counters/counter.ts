// Counter Durable Object: one per name, its value in SQLite, changed only through validated RPC calls.
import { DurableObject } from "cloudflare:workers";
import { type CounterResult, MAX_COUNTER_STEP } from "./counters.schema";

/** Beyond this a JavaScript number can no longer represent every integer. */
const LIMIT = Number.MAX_SAFE_INTEGER;

export class Counter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // SQL calls are synchronous and the object is single-threaded, so each RPC below is atomic:
    // concurrent increments serialise here and none is lost.
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
    );
  }

  async get(): Promise<number> {
    return this.read();
  }

  async increment(amount: number): Promise<CounterResult> {
    return isValidStep(amount) ? this.add(amount) : { ok: false, reason: "invalid-step", value: this.read() };
  }

  async decrement(amount: number): Promise<CounterResult> {
    return isValidStep(amount) ? this.add(-amount) : { ok: false, reason: "invalid-step", value: this.read() };
  }

  async reset(): Promise<CounterResult> {
    this.ctx.storage.sql.exec("INSERT INTO counter (id, value) VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET value = 0");
    return { ok: true, value: 0 };
  }

  private read(): number {
    const row = this.ctx.storage.sql.exec<{ value: number }>("SELECT value FROM counter WHERE id = 1").toArray()[0];
    return row?.value ?? 0;
  }

  private add(delta: number): CounterResult {
    const current = this.read();
    const next = current + delta;
    if (Math.abs(next) > LIMIT) return { ok: false, reason: "overflow", value: current };
    this.ctx.storage.sql.exec(
      "INSERT INTO counter (id, value) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value",
      next,
    );
    return { ok: true, value: next };
  }
}

/**
 * The RPC boundary re-checks the step: a caller that skipped the route's schema still cannot corrupt the
 * value. It answers rather than throws, because an exception escaping a Durable Object may reset it.
 */
function isValidStep(amount: unknown): amount is number {
  return Number.isSafeInteger(amount) && (amount as number) >= 1 && (amount as number) <= MAX_COUNTER_STEP;
}
