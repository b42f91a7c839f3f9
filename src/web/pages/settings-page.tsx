// My profile, my password, and my sessions (revoke one, or sign out everywhere else).
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import type { User } from "../../features/auth/auth.schema";
import type { UserStatsView } from "../../features/files/files.schema";
import { ErrorAlert } from "../components/error-alert";
import { type Result, ResultMessage } from "../components/result-message";
import { api, errorMessage } from "../lib/api";
import { formatBytes, formatTime } from "../lib/format";
import { useSession } from "../lib/session";
import { useLoad } from "../lib/use-load";

interface SessionView {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  userAgent: string;
}

export function SettingsPage() {
  const { user, setUser } = useSession();
  const [sessions, setSessions] = useState<SessionView[]>([]);
  const [message, setMessage] = useState<Result | null>(null);
  const { data: stats, error: statsError } = useLoad<UserStatsView>("/api/users/me/stats");

  const loadSessions = useCallback(async () => {
    setSessions((await api<{ sessions: SessionView[] }>("/api/sessions")).sessions);
  }, []);

  useEffect(() => {
    void loadSessions();
  }, [loadSessions]);

  const run = async (action: () => Promise<string>) => {
    try {
      setMessage({ ok: true, text: await action() });
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    }
  };

  const rename = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const displayName = String(new FormData(event.currentTarget).get("displayName") ?? "");
    void run(async () => {
      const result = await api<{ user: User }>("/api/users/me", {
        method: "PATCH",
        body: JSON.stringify({ displayName }),
      });
      setUser(result.user);
      return "Display name saved.";
    });
  };

  const changePassword = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = String(form.get("next") ?? "");
    if (next !== form.get("confirm")) {
      setMessage({ ok: false, text: "The new passwords do not match." });
      return;
    }
    const formElement = event.currentTarget;
    void run(async () => {
      await api("/api/users/me", {
        method: "PATCH",
        body: JSON.stringify({ password: { current: form.get("current"), next } }),
      });
      formElement.reset();
      await loadSessions();
      return "Password changed. Every other session has been signed out.";
    });
  };

  const revoke = (id: string) =>
    run(async () => {
      await fetch(`/api/sessions/${id}`, { method: "DELETE", credentials: "same-origin" });
      await loadSessions();
      return "Session revoked.";
    });

  const revokeOthers = () =>
    run(async () => {
      const { revoked } = await api<{ revoked: number }>("/api/sessions", { method: "DELETE" });
      await loadSessions();
      return `Signed out of ${revoked} other session${revoked === 1 ? "" : "s"}.`;
    });

  if (!user) return null;
  return (
    <>
      <h1>Settings</h1>
      <ResultMessage result={message} />
      <div className="grid">
        <section className="card" aria-labelledby="profile-heading">
          <h2 id="profile-heading">Profile</h2>
          <p className="hint">
            {user.email} · {user.role}
          </p>
          <form onSubmit={rename} className="stack">
            <label>
              Display name
              <input name="displayName" defaultValue={user.displayName} required maxLength={64} />
            </label>
            <button type="submit">Save</button>
          </form>
        </section>
        <section className="card" aria-labelledby="password-heading">
          <h2 id="password-heading">Password</h2>
          <form onSubmit={changePassword} className="stack">
            <label>
              Current password
              <input name="current" type="password" required autoComplete="current-password" maxLength={128} />
            </label>
            <label>
              New password
              <input name="next" type="password" required minLength={8} maxLength={128} autoComplete="new-password" />
            </label>
            <label>
              Repeat the new password
              <input
                name="confirm"
                type="password"
                required
                minLength={8}
                maxLength={128}
                autoComplete="new-password"
              />
            </label>
            <button type="submit">Change password</button>
          </form>
        </section>
      </div>
      <section className="card" aria-labelledby="uploads-heading">
        <h2 id="uploads-heading">My uploads</h2>
        {stats ? (
          <dl className="facts" data-testid="upload-stats">
            <dt>Files stored</dt>
            <dd data-testid="stats-files">{stats.files}</dd>
            <dt>Space used</dt>
            <dd data-testid="stats-bytes">{formatBytes(stats.bytes)}</dd>
            <dt>Uploads ever</dt>
            <dd>{stats.uploads}</dd>
            <dt>Last upload</dt>
            <dd>{formatTime(stats.lastUploadAt)}</dd>
          </dl>
        ) : statsError ? (
          <ErrorAlert text={statsError} />
        ) : (
          <p aria-busy="true">Loading…</p>
        )}
        <p className="hint">
          <Link to="/files">Manage my files</Link>
        </p>
      </section>
      <section className="card" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Sessions</h2>
        <ul className="list" data-testid="sessions">
          {sessions.map((s) => (
            <li key={s.id} className="row spread">
              <span>
                {s.userAgent || "Unknown device"} · since {new Date(s.createdAt).toLocaleString()}
                {s.current && <strong> (this device)</strong>}
              </span>
              {!s.current && (
                <button type="button" onClick={() => void revoke(s.id)}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => void revokeOthers()} disabled={sessions.length < 2}>
          Sign out everywhere else
        </button>
      </section>
    </>
  );
}
