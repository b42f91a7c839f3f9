// Metrics Durable Object: named integer counters kept exactly, all-time and per minute for the last hour.
import { DurableObject } from "cloudflare:workers";
import { SERIES_MINUTES, seriesMinute, TIMED_PREFIX } from "../../http/metrics";

const NAME = /^[\w:./ {}*-]{1,200}$/;
/** A time-bucketed name: `at:<epoch minute>:<kind>:…` (see src/http/metrics.ts). */
const TIMED_NAME = /^at:(\d{1,12}):((?:status|latency):.+)$/;
/** A flush holds one entry per distinct name an isolate saw in ≤ 5 s; more than this is not a metric's shape. */
const MAX_KEYS_PER_CALL = 1_000;

type MetricDeltas = Record<string, number>;

/** One minute's count of one time-bucketed name (`status:4xx`, `latency:3:GET /api/status`). */
export interface TimedCount {
  minute: number;
  name: string;
  value: number;
}

/** What the admin view reads of the time-bucketed counters since a minute. */
export interface MetricsWindow {
  /** `status:<N>xx` counts per minute, oldest first; minutes with no requests are absent. */
  statuses: TimedCount[];
  /** `latency:<bucket>:<METHOD route>` → requests summed over the window. */
  latency: MetricDeltas;
}

/**
 * One object (`idFromName("global")`) holds every counter; isolates batch their deltas and flush them every
 * few seconds, so this sees a handful of calls per second rather than one per request. KV is no place for
 * counters: one key takes about one write a second (design.md §6.3).
 *
 * Two tables: `metrics` (name → all-time value, a few hundred rows) and `timed` ((minute, name) → value).
 * `timed` keeps SERIES_MINUTES + 1 minutes: older rows are deleted by the first write of each new minute,
 * and writes for minutes outside that range (a stale isolate's buffer, a skewed clock) are skipped. With no
 * writes nothing is pruned, but nothing grows either, and reads only ever look at the last hour.
 */
export class Metrics extends DurableObject<Env> {
  /** Rows of minutes before this one are gone; in memory only, so a new instance prunes on its first write. */
  #prunedBefore = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS metrics (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS timed (minute INTEGER NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL,
         PRIMARY KEY (minute, name)) WITHOUT ROWID`,
    );
  }

  /** Adds each delta; invalid names or values are skipped and counted in the answer, never thrown. */
  async add(deltas: MetricDeltas): Promise<{ applied: number; skipped: number }> {
    const nowMinute = seriesMinute(Date.now());
    const oldest = nowMinute - SERIES_MINUTES;
    this.#prune(oldest);
    let applied = 0;
    let skipped = 0;
    for (const [name, delta] of Object.entries(deltas).slice(0, MAX_KEYS_PER_CALL)) {
      if (!NAME.test(name) || !Number.isSafeInteger(delta)) {
        skipped++;
        continue;
      }
      if (name.startsWith(TIMED_PREFIX)) {
        const match = TIMED_NAME.exec(name);
        const minute = Number(match?.[1]);
        if (!match?.[2] || minute < oldest || minute > nowMinute + 1) {
          skipped++;
          continue;
        }
        this.ctx.storage.sql.exec(
          `INSERT INTO timed (minute, name, value) VALUES (?, ?, ?)
           ON CONFLICT (minute, name) DO UPDATE SET value = value + excluded.value`,
          minute,
          match[2],
          delta,
        );
      } else {
        this.ctx.storage.sql.exec(
          "INSERT INTO metrics (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
          name,
          delta,
        );
      }
      applied++;
    }
    return { applied, skipped: skipped + Math.max(0, Object.keys(deltas).length - MAX_KEYS_PER_CALL) };
  }

  /** Every all-time counter, optionally only those whose name starts with `prefix`. */
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

  /** Status counts per minute and latency histograms summed, from `sinceMinute` (epoch minutes) on. */
  async window(sinceMinute: number): Promise<MetricsWindow> {
    const statuses = this.ctx.storage.sql
      .exec<{ minute: number; name: string; value: number }>(
        "SELECT minute, name, value FROM timed WHERE minute >= ? AND substr(name, 1, 7) = 'status:' ORDER BY minute",
        sinceMinute,
      )
      .toArray();
    const latency = this.ctx.storage.sql
      .exec<{ name: string; value: number }>(
        `SELECT name, SUM(value) AS value FROM timed WHERE minute >= ? AND substr(name, 1, 8) = 'latency:'
         GROUP BY name`,
        sinceMinute,
      )
      .toArray();
    return {
      statuses: statuses.map(({ minute, name, value }) => ({ minute, name, value })),
      latency: Object.fromEntries(latency.map((row) => [row.name, row.value])),
    };
  }

  #prune(oldest: number): void {
    if (oldest <= this.#prunedBefore) return;
    this.ctx.storage.sql.exec("DELETE FROM timed WHERE minute < ?", oldest);
    this.#prunedBefore = oldest;
  }
}
