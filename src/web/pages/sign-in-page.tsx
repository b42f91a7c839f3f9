// Sign in or create an account. Field rules mirror the API's zod schemas; a refusal is shown as the API's own
// reason in a sentence, beside the field it concerns when it names one.
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { ApiError, api, errorMessage, ok } from "../api";
import { ErrorAlert } from "../components/error-alert";
import { useSession } from "../lib/session";

/** Only a path inside the app is followed after sign-in (never another origin). */
export function safeNext(next: string | null): string {
  return next && /^\/(?!\/)/.test(next) && !next.startsWith("/api/") ? next : "/";
}

function AuthForm({ registering }: { registering: boolean }) {
  const { setUser } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const [error, setError] = useState<ApiError | string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setBusy(true);
    setError(null);
    try {
      const result = registering
        ? await ok(
            api.POST("/api/auth/register", {
              body: { email, password, displayName: String(form.get("displayName") ?? "") },
            }),
          )
        : await ok(api.POST("/api/auth/login", { body: { email, password } }));
      setUser(result.user);
      navigate(next, { replace: true });
    } catch (e) {
      setError(e instanceof ApiError ? e : errorMessage(e));
      setBusy(false);
    }
  };

  const fields = error instanceof ApiError ? error.fieldErrors() : {};
  const fieldError = (name: string) =>
    fields[name] ? (
      <span className="error" id={`${name}-error`}>
        {fields[name]}
      </span>
    ) : null;
  const exists = error instanceof ApiError && error.status === 409;
  const alsoLink = next === "/" ? "" : `?next=${encodeURIComponent(next)}`;

  return (
    <section className="card narrow" aria-labelledby="auth-heading">
      <h1 id="auth-heading">{registering ? "Create your account" : "Sign in"}</h1>
      <form onSubmit={submit} className="stack" noValidate={false}>
        {/* Each field's error sits after its label, not inside it, so it describes the field without also
            becoming part of its name. */}
        {registering && (
          <div className="field">
            <label>
              Display name
              <input
                name="displayName"
                required
                maxLength={64}
                autoComplete="name"
                aria-invalid={fields.displayName ? true : undefined}
                aria-describedby={fields.displayName ? "displayName-error" : undefined}
              />
            </label>
            {fieldError("displayName")}
          </div>
        )}
        <div className="field">
          <label>
            Email
            <input
              name="email"
              type="email"
              required
              maxLength={254}
              autoComplete="email"
              aria-invalid={fields.email || exists ? true : undefined}
              aria-describedby={fields.email ? "email-error" : undefined}
            />
          </label>
          {fieldError("email")}
        </div>
        <div className="field">
          <label>
            Password
            <input
              name="password"
              type="password"
              required
              minLength={registering ? 8 : 1}
              maxLength={128}
              autoComplete={registering ? "new-password" : "current-password"}
              aria-invalid={fields.password ? true : undefined}
              aria-describedby={fields.password ? "password-error" : registering ? "password-hint" : undefined}
            />
          </label>
          {fieldError("password")}
          {registering && (
            <p className="hint" id="password-hint">
              At least 8 characters; a passphrase is best.
            </p>
          )}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? (registering ? "Creating…" : "Signing in…") : registering ? "Create account" : "Sign in"}
        </button>
        <ErrorAlert text={error === null ? null : typeof error === "string" ? error : error.message} />
        {exists && registering && (
          <p>
            <Link to={`/signin${alsoLink}`}>Sign in with this email</Link>
          </p>
        )}
      </form>
      <p>
        {registering ? (
          <>
            Have an account? <Link to={`/signin${alsoLink}`}>Sign in</Link>
          </>
        ) : (
          <>
            New here? <Link to={`/register${alsoLink}`}>Create an account</Link>
          </>
        )}
      </p>
    </section>
  );
}

export function SignInPage() {
  return <AuthForm key="sign-in" registering={false} />;
}

export function RegisterPage() {
  return <AuthForm key="register" registering />;
}
