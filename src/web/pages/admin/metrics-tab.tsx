// Admin: the Worker's metrics as bar charts (cache hit ratios, rate-limit refusals, requests, statuses).
import type { Metrics } from "../../../features/admin/admin.schema";
import { useLoad } from "../../lib/use-load";
import { Bars } from "./bars";

export function MetricsTab() {
  const { data, error, reload } = useLoad<Metrics>("/api/admin/metrics");
  return (
    <section className="stack" aria-labelledby="metrics-heading">
      <h2 id="metrics-heading">Metrics</h2>
      <button type="button" onClick={() => void reload()}>
        Refresh
      </button>
      {error && <p className="error">{error}</p>}
      {data && (
        <div className="grid">
          <div className="card">
            <h3>Cache hit ratio by namespace</h3>
            <Bars
              entries={Object.entries(data.cache).map(([name, c]) => [name, Math.round((c.hitRatio ?? 0) * 100)])}
              unit=" %"
            />
          </div>
          <div className="card">
            <h3>Rate-limit refusals</h3>
            <Bars entries={Object.entries(data.rateLimitRefusals)} />
          </div>
          <div className="card">
            <h3>Requests by route</h3>
            <Bars
              entries={Object.entries(data.requests)
                .sort((a, b) => b[1] - a[1])
                .slice(0, 12)}
            />
          </div>
          <div className="card">
            <h3>Responses by status</h3>
            <Bars entries={Object.entries(data.statuses)} />
          </div>
        </div>
      )}
    </section>
  );
}
