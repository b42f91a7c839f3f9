// My profile, my password, my uploads and my sessions (revoke one, or sign out everywhere else). Each card says
// how its own action went, next to the button that started it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useRef, useState } from "react";
import { Link } from "react-router";
import { ApiError, api, errorMessage, ok } from "../api";
import { ErrorAlert } from "../components/error-alert";
import { type Result, ResultMessage } from "../components/result-message";
import { formatBytes, formatTime } from "../lib/format";
import { useSession } from "../lib/session";
import { PageSkeleton } from "../shell/skeleton";

const SESSIONS_KEY = ["sessions"] as const;

function outcome(e: unknown): Result {
  return { ok: false, text: errorMessage(e) };
}

function ProfileCard() {
  const { user, setUser } = useSession();
  const [result, setResult] = useState<Result | null>(null);
  const save = useMutation({
    mutationFn: async (displayName: string) => (await ok(api.PATCH("/api/users/me", { body: { displayName } }))).user,
    onSuccess: (next) => {
      setUser(next);
      setResult({ ok: true, text: "Display name saved." });
    },
    onError: (e) => setResult(outcome(e)),
  });
  if (!user) return null;
  return (
    <section className="card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <p className="hint">
        {user.email} · {user.role}
      </p>
      <form
        onSubmit={(event: FormEvent<HTMLFormElement>) => {
          event.preventDefault();
          setResult(null);
          save.mutate(String(new FormData(event.currentTarget).get("displayName") ?? ""));
        }}
        className="stack"
      >
        <label>
          Display name
          <input name="displayName" defaultValue={user.displayName} required maxLength={64} />
        </label>
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <ResultMessage result={result} />
      </form>
    </section>
  );
}

/** The password form's fields, in order, as the API's field paths name them (and "confirm", checked here). */
const PASSWORD_FIELDS = ["password.current", "password.next", "confirm"] as const;
const NOT_CHANGED = "The password was not changed.";

function PasswordCard() {
  const client = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  /** Shows the refusal: each reason beside its field (focus goes to the first), the outcome under the button. */
  const refuse = (next: Record<string, string>, text: string) => {
    setFields(next);
    const shown = PASSWORD_FIELDS.filter((key) => next[key]);
    setResult({ ok: false, text: shown.length ? NOT_CHANGED : text });
    const first = shown[0];
    if (first)
      requestAnimationFrame(() => form.current?.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus());
  };
  const change = useMutation({
    mutationFn: async (password: { current: string; next: string }) =>
      ok(api.PATCH("/api/users/me", { body: { password } })),
    onSuccess: () => {
      setResult({ ok: true, text: "Password changed. Every other session has been signed out." });
      void client.invalidateQueries({ queryKey: SESSIONS_KEY });
    },
    onError: (e) => refuse(e instanceof ApiError ? e.fieldErrors() : {}, errorMessage(e)),
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next = String(data.get("next") ?? "");
    setResult(null);
    setFields({});
    if (next !== data.get("confirm")) {
      refuse({ confirm: "The new passwords do not match." }, "The new passwords do not match.");
      return;
    }
    const formElement = event.currentTarget;
    change.mutate({ current: String(data.get("current") ?? ""), next }, { onSuccess: () => formElement.reset() });
  };
  const errorId = (key: string) => `pw-${key.replace(".", "-")}-error`;
  const invalid = (key: string) =>
    fields[key] ? { "aria-invalid": true as const, "aria-describedby": errorId(key) } : {};
  // After the label, not inside it: the reason describes the field without becoming part of its name.
  const fieldError = (key: string) =>
    fields[key] ? (
      <span className="error" id={errorId(key)}>
        {fields[key]}
      </span>
    ) : null;
  return (
    <section className="card" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <form ref={form} onSubmit={submit} className="stack">
        <div className="field">
          <label>
            Current password
            <input
              name="current"
              type="password"
              required
              autoComplete="current-password"
              maxLength={128}
              data-field="password.current"
              {...invalid("password.current")}
            />
          </label>
          {fieldError("password.current")}
        </div>
        <div className="field">
          <label>
            New password
            <input
              name="next"
              type="password"
              required
              minLength={8}
              maxLength={128}
              autoComplete="new-password"
              data-field="password.next"
              {...invalid("password.next")}
            />
          </label>
          {fieldError("password.next")}
        </div>
        <div className="field">
          <label>
            Repeat the new password
            <input
              name="confirm"
              type="password"
              required
              minLength={8}
              maxLength={128}
              autoComplete="new-password"
              data-field="confirm"
              {...invalid("confirm")}
            />
          </label>
          {fieldError("confirm")}
        </div>
        <button type="submit" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </button>
        <ResultMessage result={result} />
      </form>
    </section>
  );
}

function UploadsCard() {
  const stats = useQuery({
    queryKey: ["me", "stats"],
    queryFn: () => ok(api.GET("/api/users/me/stats")),
  });
  return (
    <section className="card" aria-labelledby="uploads-heading">
      <h2 id="uploads-heading">My uploads</h2>
      {stats.data ? (
        <dl className="facts" data-testid="upload-stats">
          <dt>Files stored</dt>
          <dd data-testid="stats-files">{stats.data.files}</dd>
          <dt>Space used</dt>
          <dd data-testid="stats-bytes">{formatBytes(stats.data.bytes)}</dd>
          <dt>Uploads ever</dt>
          <dd>{stats.data.uploads}</dd>
          <dt>Last upload</dt>
          <dd>{formatTime(stats.data.lastUploadAt)}</dd>
        </dl>
      ) : stats.error ? (
        <ErrorAlert text={errorMessage(stats.error)} />
      ) : (
        <PageSkeleton lines={2} />
      )}
      <p className="hint">
        <Link to="/files">Manage my files</Link>
      </p>
    </section>
  );
}

/** "Mozilla/5.0 (X11; Linux x86_64) … Chrome/131…" → "Chrome on Linux". */
export function describeDevice(userAgent: string): string {
  if (!userAgent) return "Unknown device";
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : /curl|node|undici/i.test(userAgent)
            ? "A script"
            : null;
  const os = /iPhone|iPad/.test(userAgent)
    ? "iOS"
    : /Android/.test(userAgent)
      ? "Android"
      : /Mac OS X/.test(userAgent)
        ? "macOS"
        : /Windows/.test(userAgent)
          ? "Windows"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  if (browser && os) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.slice(0, 60);
}

function SessionsCard() {
  const client = useQueryClient();
  const [result, setResult] = useState<Result | null>(null);
  const sessions = useQuery({
    queryKey: SESSIONS_KEY,
    queryFn: async () => (await ok(api.GET("/api/sessions"))).sessions,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => ok(api.DELETE("/api/sessions/{id}", { params: { path: { id } } })),
    onSuccess: () => setResult({ ok: true, text: "Session signed out." }),
    onError: (e) => setResult(outcome(e)),
    onSettled: () => client.invalidateQueries({ queryKey: SESSIONS_KEY }),
  });
  const revokeOthers = useMutation({
    mutationFn: () => ok(api.DELETE("/api/sessions")),
    onSuccess: ({ revoked }) =>
      setResult({ ok: true, text: `Signed out of ${revoked} other session${revoked === 1 ? "" : "s"}.` }),
    onError: (e) => setResult(outcome(e)),
    onSettled: () => client.invalidateQueries({ queryKey: SESSIONS_KEY }),
  });
  const list = sessions.data ?? [];
  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      {sessions.isPending && <PageSkeleton lines={2} />}
      <ErrorAlert text={sessions.error ? errorMessage(sessions.error) : null} />
      <ul className="list" data-testid="sessions">
        {list.map((s) => (
          <li key={s.id} className="row spread wrap">
            <span className="grow">
              <span title={s.userAgent}>{describeDevice(s.userAgent)}</span>
              {s.current && <strong> (this device)</strong>}
              <br />
              <span className="hint">
                Signed in {formatTime(s.createdAt)} · last seen {formatTime(s.lastSeenAt)}
              </span>
            </span>
            {!s.current && (
              <button
                type="button"
                className="danger-quiet"
                disabled={revoke.isPending}
                onClick={() => revoke.mutate(s.id)}
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="danger-quiet"
        onClick={() => revokeOthers.mutate()}
        disabled={list.length < 2 || revokeOthers.isPending}
      >
        Sign out everywhere else
      </button>
      <ResultMessage result={result} />
    </section>
  );
}

export function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <div className="grid">
        <ProfileCard />
        <PasswordCard />
      </div>
      <UploadsCard />
      <SessionsCard />
    </>
  );
}
