// Admin: what is running. Version and environment, the AI provider, the unfurl helper, the D1 migrations and which
// bindings are configured, from /api/status.
import { useQuery } from "@tanstack/react-query";
import { api, ok } from "../../api";
import { formatDateTime } from "../../lib/format";
import { PageSkeleton } from "../../shell/skeleton";
import { LoadError } from "./load-error";

const AI_NAMES = { offline: "Offline (built in)", "workers-ai": "Workers AI", openai: "OpenAI" } as const;
const UNFURL_WORDS = { ok: "reachable", unreachable: "not reachable", absent: "not configured" } as const;

export function StatusTab() {
  const status = useQuery({ queryKey: ["admin", "status"], queryFn: () => ok(api.GET("/api/status")) });
  const data = status.data;
  const bindings = data ? Object.entries(data.bindings).sort(([a], [b]) => (a < b ? -1 : 1)) : [];
  return (
    <section className="stack" aria-labelledby="status-heading">
      <div className="row wrap spread">
        <h2 id="status-heading">System status</h2>
        <button
          type="button"
          className="small quiet"
          disabled={status.isFetching}
          onClick={() => void status.refetch()}
        >
          {status.isFetching ? "Checking…" : "Check again"}
        </button>
      </div>
      {status.isError && <LoadError what="The status" error={status.error} onRetry={() => void status.refetch()} />}
      {status.isPending && !status.isError && <PageSkeleton lines={5} />}
      {data && (
        <div className="grid">
          <section className="card" aria-labelledby="status-running-heading">
            <h3 id="status-running-heading">Running</h3>
            <dl className="facts">
              <dt>Version</dt>
              <dd data-testid="status-version">{data.version}</dd>
              <dt>Environment</dt>
              <dd data-testid="status-environment">{data.environment}</dd>
              <dt>AI provider</dt>
              <dd>
                {AI_NAMES[data.ai.provider] ?? data.ai.provider}{" "}
                <span className={`chip ${data.ai.available ? "on" : "off"}`}>
                  {data.ai.available ? "available" : "not available"}
                </span>
              </dd>
              <dt>Link previews</dt>
              <dd>
                <span className={`chip ${data.services.unfurl === "ok" ? "on" : "off"}`}>
                  {UNFURL_WORDS[data.services.unfurl]}
                </span>
              </dd>
              <dt>Server time</dt>
              <dd>{formatDateTime(data.time)}</dd>
            </dl>
          </section>
          <section className="card" aria-labelledby="status-migrations-heading">
            <h3 id="status-migrations-heading">Database migrations</h3>
            <p>
              <span className={`chip ${data.migrations.state === "current" ? "on" : "off"}`}>
                {data.migrations.state === "current"
                  ? "up to date"
                  : data.migrations.state === "pending"
                    ? "pending"
                    : "unknown"}
              </span>{" "}
              {data.migrations.applied} applied
            </p>
            {data.migrations.state === "unavailable" && <p className="hint">The migrations table could not be read.</p>}
            {data.migrations.pending.length > 0 && (
              <>
                <p>Not applied yet:</p>
                <ul>
                  {data.migrations.pending.map((name) => (
                    <li key={name}>
                      <code>{name}</code>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
          <section className="card" aria-labelledby="status-bindings-heading">
            <h3 id="status-bindings-heading">Bindings</h3>
            <ul className="chips" aria-label="Bindings and whether each is configured">
              {bindings.map(([name, configured]) => (
                <li key={name} className={`chip ${configured ? "on" : "off"}`}>
                  {name}
                  <span className="sr-only">{configured ? " configured" : " missing"}</span>
                  <span aria-hidden="true">{configured ? " ✓" : " ✗"}</span>
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </section>
  );
}
