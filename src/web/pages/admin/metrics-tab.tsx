// Admin: how the Worker is doing. Headline numbers for the last hour, requests and errors per minute as a chart,
// each route's count and latency (p50, p95), and the all-time counters (statuses, cache, rate limits).
// Refreshed every 20 s while the browser tab is visible.
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { api, ok } from "../../api";
import type { components } from "../../api/openapi";
import { Boundary } from "../../components/boundary";
import { formatClock, formatCount, formatPercent } from "../../lib/format";
import { PageSkeleton } from "../../shell/skeleton";
import { Bars } from "./bars";
import { LoadError } from "./load-error";

type Metrics = components["schemas"]["Metrics"];
type RouteLatency = components["schemas"]["RouteLatency"];

const REFRESH_MS = 20_000;

// uPlot (about 50 KB) loads with the chart, not with the rest of the admin page.
const RequestsChart = lazy(() => import("./requests-chart").then((m) => ({ default: m.RequestsChart })));

export const metricsQuery = {
  queryKey: ["admin", "metrics"],
  queryFn: () => ok(api.GET("/api/admin/metrics")),
};

export function MetricsTab() {
  const metrics = useQuery({ ...metricsQuery, refetchInterval: REFRESH_MS, staleTime: 5_000 });
  const data = metrics.data;
  return (
    <section className="stack" aria-labelledby="metrics-heading">
      <div className="row wrap spread">
        <h2 id="metrics-heading">Metrics</h2>
        <p className="hint admin-refreshed">
          {data ? `Updated ${formatClock(new Date(metrics.dataUpdatedAt).toISOString())} · ` : ""}
          refreshes every {REFRESH_MS / 1000} s{" "}
          <button
            type="button"
            className="small quiet"
            disabled={metrics.isFetching}
            onClick={() => void metrics.refetch()}
          >
            {metrics.isFetching ? "Refreshing…" : "Refresh now"}
          </button>
        </p>
      </div>
      {metrics.isError && <LoadError what="The metrics" error={metrics.error} onRetry={() => void metrics.refetch()} />}
      {metrics.isPending && !metrics.isError && <PageSkeleton lines={6} />}
      {data && <MetricsView data={data} />}
    </section>
  );
}

function MetricsView({ data }: { data: Metrics }) {
  const points = data.series.points;
  const requests = points.reduce((sum, p) => sum + p.requests, 0);
  const errors4xx = points.reduce((sum, p) => sum + p.errors4xx, 0);
  const errors5xx = points.reduce((sum, p) => sum + p.errors5xx, 0);
  const caches = Object.values(data.cache);
  const hits = caches.reduce((sum, c) => sum + c.hit + c.negativeHit, 0);
  const reads = hits + caches.reduce((sum, c) => sum + c.miss, 0);
  const refusals = Object.values(data.rateLimitRefusals).reduce((sum, n) => sum + n, 0);
  const minutes = Math.round((points.length * data.series.bucketSeconds) / 60);
  return (
    <>
      <dl className="admin-stats">
        <div className="card">
          <dt>Requests, last hour</dt>
          <dd className="admin-stat">{formatCount(requests)}</dd>
          <dd className="hint">{formatCount(Math.round(requests / Math.max(1, minutes)))} a minute on average</dd>
        </div>
        <div className="card">
          <dt>Error rate, last hour</dt>
          <dd className="admin-stat">{formatPercent(requests ? (errors4xx + errors5xx) / requests : null)}</dd>
          <dd className="hint">
            {formatCount(errors4xx)} 4xx · {formatCount(errors5xx)} 5xx
          </dd>
        </div>
        <div className="card">
          <dt>Cache hit rate</dt>
          <dd className="admin-stat">{formatPercent(reads ? hits / reads : null)}</dd>
          <dd className="hint">{reads ? `${formatCount(reads)} reads since start` : "No cache reads yet"}</dd>
        </div>
        <div className="card">
          <dt>Rate-limit refusals</dt>
          <dd className="admin-stat">{formatCount(refusals)}</dd>
          <dd className="hint">since start</dd>
        </div>
      </dl>

      <section className="card" aria-labelledby="chart-heading">
        <h3 id="chart-heading">Requests per minute, last hour</h3>
        <Boundary what="This chart">
          <Suspense fallback={<div className="skeleton admin-chart-placeholder" />}>
            <RequestsChart series={data.series} />
          </Suspense>
        </Boundary>
      </section>

      <RouteTable latency={data.latency} />

      <div className="grid">
        <section className="card" aria-labelledby="statuses-heading">
          <h3 id="statuses-heading">Responses by status</h3>
          <Bars entries={Object.entries(data.statuses).sort(([a], [b]) => (a < b ? -1 : 1))} />
          <p className="hint">Since the metrics started.</p>
        </section>
        <section className="card" aria-labelledby="cache-heading">
          <h3 id="cache-heading">Cache hit ratio by namespace</h3>
          <Bars
            entries={Object.entries(data.cache).map(([name, c]) => [name, Math.round((c.hitRatio ?? 0) * 100)])}
            unit=" %"
          />
        </section>
        <section className="card" aria-labelledby="refusals-heading">
          <h3 id="refusals-heading">Rate-limit refusals by policy</h3>
          <Bars entries={Object.entries(data.rateLimitRefusals).sort((a, b) => b[1] - a[1])} />
        </section>
      </div>
    </>
  );
}

type SortKey = "count" | "p95";

/** A percentile as its bucket's upper bound: "≤ 25 ms"; "—" when unknown (no requests, or beyond the last bound). */
function formatBound(ms: number | null): string {
  return ms === null ? "—" : `≤ ${formatMs(ms)}`;
}

const formatMs = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toLocaleString()} s`);

/** For sorting: an unknown percentile with requests behind it is slower than every bound. */
const p95Rank = (r: RouteLatency) => r.p95Ms ?? (r.count > 0 ? Number.POSITIVE_INFINITY : -1);

function RouteTable({ latency }: { latency: Metrics["latency"] }) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "count", descending: true });
  const rows = Object.entries(latency.routes).sort(([a, x], [b, y]) => {
    const diff = sort.key === "count" ? x.count - y.count : p95Rank(x) - p95Rank(y);
    return (sort.descending ? -diff : diff) || (a < b ? -1 : 1);
  });
  const last = latency.boundsMs[latency.boundsMs.length - 1];
  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" className="num" aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}>
        <button
          type="button"
          className="admin-sort"
          onClick={() => setSort({ key, descending: active ? !sort.descending : true })}
        >
          {label}
          <span aria-hidden="true">{active ? (sort.descending ? " ↓" : " ↑") : " ↕"}</span>
        </button>
      </th>
    );
  };
  return (
    <section className="card" aria-labelledby="routes-heading">
      <h3 id="routes-heading">Routes, last {latency.windowMinutes} minutes</h3>
      {rows.length === 0 ? (
        <p className="empty">
          <strong>No requests in the last {latency.windowMinutes} minutes</strong>
          Routes appear here once they are called.
        </p>
      ) : (
        <section
          className="admin-table-scroll"
          aria-label="Requests and latency per route"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls sideways must be reachable by keyboard
          tabIndex={0}
        >
          <table className="admin-table" data-testid="route-table">
            <thead>
              <tr>
                <th scope="col">Route</th>
                {header("count", "Count")}
                <th scope="col" className="num">
                  p50
                </th>
                {header("p95", "p95")}
              </tr>
            </thead>
            <tbody>
              {rows.map(([route, r]) => (
                <tr key={route}>
                  <th scope="row" className="admin-route">
                    <BreakableRoute route={route} />
                  </th>
                  <td className="num">{formatCount(r.count)}</td>
                  <td className="num">{formatBound(r.p50Ms)}</td>
                  <td className="num">{formatBound(r.p95Ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <p className="hint">
        Durations are the upper bounds of whole histogram buckets ({latency.boundsMs.join(", ")} ms), so each is an
        upper estimate. “—” means slower than {last === undefined ? "the last bound" : formatMs(last)}. Time is measured
        across I/O (storage, subrequests), not CPU.
      </p>
    </section>
  );
}

/** "GET /api/rooms/:room" with a line-break opportunity after each "/", so a narrow column wraps at the slashes. */
function BreakableRoute({ route }: { route: string }) {
  const parts = route.split("/");
  return parts.map((part, i) => (
    // The parts of one route never reorder: the position is their identity.
    // biome-ignore lint/suspicious/noArrayIndexKey: static segments
    <span key={i}>
      {part}
      {i < parts.length - 1 && (
        <>
          /<wbr />
        </>
      )}
    </span>
  ));
}
