// Admin: feature flags, users, metrics, and the file pipeline's states and dead letters. The API refuses non-admins too.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { Metrics } from "../../features/admin/admin.schema";
import type { User } from "../../features/auth/auth.schema";
import { FlagBodySchema, FlagNameParamSchema, type FlagView } from "../../features/flags/flags.schema";
import { api } from "../lib/api";
import { formatTime } from "../lib/format";
import { useSession } from "../lib/session";

type Tab = "flags" | "users" | "metrics" | "files";

function useLoad<T>(path: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setData(await api<T>(path));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

function Bars({ entries, unit = "" }: { entries: [string, number][]; unit?: string }) {
  const max = Math.max(1, ...entries.map(([, v]) => v));
  if (entries.length === 0) return <p className="hint">Nothing recorded yet.</p>;
  return (
    <ul className="bars">
      {entries.map(([label, value]) => (
        <li key={label}>
          <span className="bar-label">{label}</span>
          <span className="bar" style={{ width: `${Math.max(2, (value / max) * 100)}%` }} aria-hidden="true" />
          <span className="bar-value">
            {value}
            {unit}
          </span>
        </li>
      ))}
    </ul>
  );
}

function FlagsTab() {
  const { data, error, reload } = useLoad<{ definitions?: FlagView[]; corrupt?: string[] }>("/api/features");
  const [editing, setEditing] = useState<FlagView | null>(null);
  const [rollout, setRollout] = useState(100);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => setRollout(editing?.rolloutPercentage ?? 100), [editing]);

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const nameCheck = FlagNameParamSchema.safeParse(name);
    const body = FlagBodySchema.safeParse({
      description: String(form.get("description") ?? ""),
      enabled: form.get("enabled") === "on",
      rolloutPercentage: rollout,
      allowList: String(form.get("allowList") ?? "")
        .split(/[\s,]+/)
        .filter(Boolean),
      killSwitch: form.get("killSwitch") === "on",
    });
    if (!nameCheck.success) return setMessage({ ok: false, text: `Name: ${nameCheck.error.issues[0]?.message}` });
    if (!body.success) {
      const issue = body.error.issues[0];
      return setMessage({ ok: false, text: `${issue?.path.join(".") || "flag"}: ${issue?.message}` });
    }
    try {
      await api(`/api/features/${name}`, { method: "PUT", body: JSON.stringify(body.data) });
      setMessage({ ok: true, text: `Flag ${name} saved.` });
      setEditing(null);
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) });
    }
  };

  const remove = async (name: string) => {
    try {
      await fetch(`/api/features/${name}`, { method: "DELETE", credentials: "same-origin" });
      setMessage({ ok: true, text: `Flag ${name} deleted.` });
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: String(e) });
    }
  };

  return (
    <section className="stack" aria-labelledby="flags-heading">
      <h2 id="flags-heading">Feature flags</h2>
      {error && <p className="error">{error}</p>}
      {message && (
        <p role={message.ok ? "status" : "alert"} className={message.ok ? "ok" : "error"}>
          {message.text}
        </p>
      )}
      <ul className="list" data-testid="flags">
        {data?.definitions?.map((flag) => (
          <li key={flag.name} className="row spread card" data-flag={flag.name}>
            <span>
              <strong>{flag.name}</strong>{" "}
              <span className={`chip ${flag.enabled && !flag.killSwitch ? "on" : "off"}`}>
                {flag.killSwitch ? "killed" : flag.enabled ? `on · ${flag.rolloutPercentage} %` : "off"}
              </span>{" "}
              <span className="hint">{flag.description}</span>
            </span>
            <span className="row">
              <button type="button" onClick={() => setEditing(flag)}>
                Edit
              </button>
              <button type="button" onClick={() => void remove(flag.name)}>
                Delete
              </button>
            </span>
          </li>
        ))}
        {data?.corrupt?.map((name) => (
          <li key={name} className="error">
            {name}: stored value is invalid (evaluates as off) — save it again to repair.
          </li>
        ))}
      </ul>
      <form key={editing?.name ?? "new"} onSubmit={(e) => void save(e)} className="card stack" aria-label="Edit flag">
        <h3>{editing ? `Edit ${editing.name}` : "New flag"}</h3>
        <label>
          Name
          <input
            name="name"
            defaultValue={editing?.name ?? ""}
            readOnly={Boolean(editing)}
            required
            pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
          />
        </label>
        <label>
          Description
          <input name="description" defaultValue={editing?.description ?? ""} maxLength={500} />
        </label>
        <label className="row">
          <input type="checkbox" name="enabled" defaultChecked={editing?.enabled ?? false} /> Enabled
        </label>
        <label>
          Rollout: {rollout} % of users
          <input type="range" min={0} max={100} value={rollout} onChange={(e) => setRollout(Number(e.target.value))} />
        </label>
        <label>
          Allow-list (user ids, always on)
          <textarea name="allowList" defaultValue={editing?.allowList.join("\n") ?? ""} rows={2} />
        </label>
        <label className="row">
          <input type="checkbox" name="killSwitch" defaultChecked={editing?.killSwitch ?? false} /> Kill switch (off for
          everyone)
        </label>
        <div className="row">
          <button type="submit">Save flag</button>
          {editing && (
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function UsersTab() {
  const { data, error, reload } = useLoad<{ users: User[]; nextCursor: string | null }>("/api/users?limit=100");
  const [message, setMessage] = useState<string | null>(null);
  const change = async (user: User, body: { role?: User["role"]; disabled?: boolean }) => {
    try {
      await api(`/api/users/${user.id}`, { method: "PATCH", body: JSON.stringify(body) });
      setMessage(`${user.displayName} updated.`);
      await reload();
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-labelledby="users-heading">
      <h2 id="users-heading">Users</h2>
      {error && <p className="error">{error}</p>}
      {message && <p role="status">{message}</p>}
      <ul className="list">
        {data?.users.map((user) => (
          <li key={user.id} className="row spread card">
            <span>
              <strong>{user.displayName}</strong> <span className="hint">{user.email}</span>
              {user.disabled && <span className="chip off"> disabled</span>}
            </span>
            <span className="row">
              <label>
                <span className="sr-only">Role of {user.displayName}</span>
                <select value={user.role} onChange={(e) => void change(user, { role: e.target.value as User["role"] })}>
                  <option value="member">member</option>
                  <option value="admin">admin</option>
                </select>
              </label>
              <button type="button" onClick={() => void change(user, { disabled: !user.disabled })}>
                {user.disabled ? "Enable" : "Disable"}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function MetricsTab() {
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

function FilesTab() {
  const states = useLoad<{ byStatus: Record<string, number>; outboxPending: number; deadLetters: number }>(
    "/api/admin/files/states",
  );
  const letters = useLoad<{
    deadLetters: {
      messageId: string;
      fileId: string | null;
      event: string | null;
      attempts: number;
      receivedAt: string;
    }[];
  }>("/api/admin/files/dead-letters");
  const [message, setMessage] = useState<string | null>(null);
  const retry = async (id: string) => {
    try {
      const result = await api<{ retried: boolean }>(`/api/admin/files/dead-letters/${id}/retry`, { method: "POST" });
      setMessage(result.retried ? "Queued for analysis again." : "Nothing left to retry; the letter was cleared.");
      await Promise.all([states.reload(), letters.reload()]);
    } catch (e) {
      setMessage(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="stack" aria-labelledby="files-admin-heading">
      <h2 id="files-admin-heading">File pipeline</h2>
      {message && <p role="status">{message}</p>}
      {states.data && (
        <div className="card">
          <h3>Files by status</h3>
          <Bars entries={Object.entries(states.data.byStatus)} />
          <p className="hint">
            {states.data.outboxPending} events waiting to be sent · {states.data.deadLetters} dead letters
          </p>
        </div>
      )}
      <div className="card">
        <h3>Dead letters</h3>
        {letters.data?.deadLetters.length === 0 && <p className="hint">None: every message was handled.</p>}
        <ul className="list">
          {letters.data?.deadLetters.map((l) => (
            <li key={l.messageId} className="row spread">
              <span>
                {l.event ?? "unknown event"} · file {l.fileId ?? "?"} · {l.attempts} attempts ·{" "}
                {formatTime(l.receivedAt)}
              </span>
              <button type="button" onClick={() => void retry(l.messageId)}>
                Retry
              </button>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

export function AdminPage() {
  const { user } = useSession();
  const [tab, setTab] = useState<Tab>("flags");
  if (user?.role !== "admin") {
    return (
      <p role="alert" className="error" data-testid="admin-refused">
        This page is for administrators.
      </p>
    );
  }
  const tabs: [Tab, string][] = [
    ["flags", "Flags"],
    ["users", "Users"],
    ["metrics", "Metrics"],
    ["files", "Files"],
  ];
  return (
    <>
      <h1>Admin</h1>
      <div className="row" role="tablist" aria-label="Admin sections">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? "" : "tab-inactive"}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === "flags" && <FlagsTab />}
      {tab === "users" && <UsersTab />}
      {tab === "metrics" && <MetricsTab />}
      {tab === "files" && <FilesTab />}
    </>
  );
}
