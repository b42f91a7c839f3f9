// Metrics Durable Object: named integer counters (cache hits, refusals, requests by route) kept exactly.
import { DurableObject } from "cloudflare:workers";

const NAME = /^[\w:./ {}*-]{1,200}$/;
const MAX_KEYS_PER_CALL = 500;

type MetricDeltas = Record<string, number>;

/**
 * One object (`idFromName("global")`) holds every counter; isolates batch their deltas and flush them every
 * few seconds, so this sees a handful of calls per second rather than one per request. KV is no place for
 * counters: one key takes about one write a second (design.md §6.3).
 */
export class Metrics extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS metrics (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  }

  /** Adds each delta; invalid names or values are skipped and counted in the answer, never thrown. */
  async add(deltas: MetricDeltas): Promise<{ applied: number; skipped: number }> {
    let applied = 0;
    let skipped = 0;
    for (const [name, delta] of Object.entries(deltas).slice(0, MAX_KEYS_PER_CALL)) {
      if (!NAME.test(name) || !Number.isSafeInteger(delta)) {
        skipped++;
        continue;
      }
      this.ctx.storage.sql.exec(
        "INSERT INTO metrics (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
        name,
        delta,
      );
      applied++;
    }
    return { applied, skipped: skipped + Math.max(0, Object.keys(deltas).length - MAX_KEYS_PER_CALL) };
  }

  /** Every counter, optionally only those whose name starts with `prefix`. */
  async snapshot(prefix = ""): Promise<MetricDeltas> {
    const rows = this.ctx.storage.sql
      .exec<{ name: string; value: number }>(
        "SELECT name, value FROM metrics WHERE substr(name, 1, ?) = ? ORDER BY name",
        prefix.length,
        prefix,
      )
      .toArray();
    return Object.fromEntries(rows.map((row) => [row.name, row.value]));
  }
}
