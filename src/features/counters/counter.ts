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
    return this.add(checkedStep(amount));
  }

  async decrement(amount: number): Promise<CounterResult> {
    return this.add(-checkedStep(amount));
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

/** The RPC boundary re-checks the step: a caller that skipped the route's schema still cannot corrupt the value. */
function checkedStep(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > MAX_COUNTER_STEP) {
    throw new RangeError(`counter step must be an integer from 1 to ${MAX_COUNTER_STEP}`);
  }
  return amount;
}
