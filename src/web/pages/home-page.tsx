// Home: what is running (from /api/status) and the first feature, a shared counter.
import { useCallback, useEffect, useState } from "react";
import type { CounterValue } from "../../features/counters/counters.schema";
import type { Status } from "../../features/system/system.schema";
import { ErrorAlert } from "../components/error-alert";
import { ApiError, api } from "../lib/api";
import { useLoad } from "../lib/use-load";

function StatusCard() {
  const { data: status, error } = useLoad<Status>("/api/status");
  if (error) return <ErrorAlert text={error} />;
  if (!status) return <p aria-busy="true">Loading status…</p>;
  return (
    <section className="card" aria-labelledby="status-heading">
      <h2 id="status-heading">Status</h2>
      <dl className="facts">
        <dt>Version</dt>
        <dd data-testid="status-version">{status.version}</dd>
        <dt>Environment</dt>
        <dd data-testid="status-environment">{status.environment}</dd>
        <dt>AI provider</dt>
        <dd>
          {status.ai.provider} {status.ai.available ? "" : "(not available)"}
        </dd>
        <dt>Link previews</dt>
        <dd>{status.services.unfurl}</dd>
        <dt>Database</dt>
        <dd>
          {status.migrations.state === "current"
            ? `up to date (${status.migrations.applied} migrations)`
            : status.migrations.state === "pending"
              ? `migrations pending: ${status.migrations.pending.join(", ")}`
              : "unavailable"}
        </dd>
      </dl>
      <h3>Bindings</h3>
      <ul className="chips">
        {Object.entries(status.bindings).map(([name, on]) => (
          <li key={name} className={on ? "chip on" : "chip off"}>
            {name}
          </li>
        ))}
      </ul>
    </section>
  );
}

function CounterCard({ name }: { name: string }) {
  const [value, setValue] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const call = useCallback(async (request: Promise<CounterValue>) => {
    setBusy(true);
    setError(null);
    try {
      setValue((await request).value);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void call(api<CounterValue>(`/api/counters/${name}`));
  }, [call, name]);

  const act = (action: "increment" | "decrement" | "reset") =>
    call(api<CounterValue>(`/api/counters/${name}/${action}`, { method: "POST" }));

  return (
    <section className="card" aria-labelledby="counter-heading">
      <h2 id="counter-heading">Counter “{name}”</h2>
      <p className="big" data-testid="counter-value" aria-live="polite">
        {value ?? "…"}
      </p>
      <div className="row">
        <button type="button" onClick={() => act("decrement")} disabled={busy}>
          −1
        </button>
        <button type="button" onClick={() => act("increment")} disabled={busy}>
          +1
        </button>
        <button type="button" onClick={() => act("reset")} disabled={busy}>
          Reset
        </button>
      </div>
      <ErrorAlert text={error} />
    </section>
  );
}

export function HomePage() {
  return (
    <>
      <h1>Your outpost is running</h1>
      <p className="lede">
        A realtime team workspace on Cloudflare's edge. This page shows what the Worker reports about itself.
      </p>
      <div className="grid">
        <StatusCard />
        <CounterCard name="visits" />
      </div>
    </>
  );
}
