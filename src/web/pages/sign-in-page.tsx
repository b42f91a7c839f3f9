// Sign in or create an account; field rules mirror the API's zod schemas.
import { type FormEvent, useState } from "react";
import type { User } from "../../features/auth/auth.schema";
import { ErrorAlert } from "../components/error-alert";
import { api, errorMessage } from "../lib/api";
import { navigate } from "../lib/router";
import { useSession } from "../lib/session";

export function SignInPage({ mode }: { mode: "sign-in" | "register" }) {
  const { setUser } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const registering = mode === "register";

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = registering
      ? { email: form.get("email"), password: form.get("password"), displayName: form.get("displayName") }
      : { email: form.get("email"), password: form.get("password") };
    setBusy(true);
    setError(null);
    try {
      const result = await api<{ user: User }>(registering ? "/api/auth/register" : "/api/auth/login", {
        method: "POST",
        body: JSON.stringify(body),
      });
      setUser(result.user);
      navigate("/rooms");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card narrow" aria-labelledby="auth-heading">
      <h1 id="auth-heading">{registering ? "Create your account" : "Sign in"}</h1>
      <form onSubmit={submit} className="stack">
        {registering && (
          <label>
            Display name
            <input name="displayName" required maxLength={64} autoComplete="name" />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" required maxLength={254} autoComplete="email" />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            required
            minLength={registering ? 8 : 1}
            maxLength={128}
            autoComplete={registering ? "new-password" : "current-password"}
          />
        </label>
        {registering && <p className="hint">At least 8 characters; a passphrase is best.</p>}
        <button type="submit" disabled={busy}>
          {registering ? "Create account" : "Sign in"}
        </button>
        <ErrorAlert text={error} />
      </form>
      <p>
        {registering ? (
          <>
            Have an account? <a href="/signin">Sign in</a>
          </>
        ) : (
          <>
            New here? <a href="/register">Create an account</a>
          </>
        )}
      </p>
    </section>
  );
}
