// Accounts and sessions end to end through the Worker's fetch.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import {
  BASE,
  bearerClient,
  COOKIE_NAME,
  call,
  cookieClient,
  freshEmail,
  freshIp,
  login,
  PASSWORD,
  registerUser,
  sessionTokenFrom,
} from "../../../test/helpers";

type UserBody = { id: string; email: string; role: string; displayName: string; disabled: boolean };

async function snapshotUsers() {
  return (await env.DB.prepare("SELECT * FROM users ORDER BY id").all()).results;
}

describe("registration", () => {
  it("makes the first user admin and later ones members, and signs them in", async () => {
    const first = await registerUser("first");
    const second = await registerUser("second");
    expect(first.user.role).toBe("admin");
    expect(second.user.role).toBe("member");
    const me = await first.client.fetch("/api/auth/me");
    expect(me.status).toBe(200);
    expect(await me.json<UserBody>()).toMatchObject({ id: first.user.id, role: "admin" });
  });

  it("normalises the email and refuses a duplicate with 409", async () => {
    const email = freshEmail("Dup");
    const ok = await call("/api/auth/register", {
      method: "POST",
      ip: freshIp(),
      json: { email: `  ${email.toUpperCase()} `, password: PASSWORD, displayName: "Dup" },
    });
    expect(ok.status).toBe(201);
    expect((await ok.json<{ user: UserBody }>()).user.email).toBe(email.toLowerCase());
    const again = await call("/api/auth/register", {
      method: "POST",
      ip: freshIp(),
      json: { email, password: PASSWORD, displayName: "Dup again" },
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: "email-taken" });
  });

  it("refuses weak passwords, bad emails, control characters and extra fields, storing nothing", async () => {
    const before = await snapshotUsers();
    const cases = [
      { email: freshEmail(), password: "short", displayName: "x" },
      { email: freshEmail(), password: "password123", displayName: "x" },
      { email: "not-an-email", password: PASSWORD, displayName: "x" },
      { email: freshEmail(), password: PASSWORD, displayName: "evil\u202Egnp.exe" },
      { email: freshEmail(), password: PASSWORD, displayName: "" },
      { email: freshEmail(), password: PASSWORD, displayName: "x", role: "admin" },
      { email: freshEmail(), password: PASSWORD, displayName: "x", id: "0".repeat(32) },
      { email: freshEmail(), password: "x".repeat(129), displayName: "x" },
    ];
    for (const json of cases) {
      const res = await call("/api/auth/register", { method: "POST", ip: freshIp(), json });
      expect(res.status, JSON.stringify(json).slice(0, 80)).toBe(400);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    }
    expect(await snapshotUsers()).toEqual(before);
  });

  it("stores the password as PBKDF2-SHA256 with its parameters, never in clear", async () => {
    const { user, password } = await registerUser("hashcheck");
    const row = await env.DB.prepare("SELECT * FROM users WHERE id = ?").bind(user.id).first<Record<string, unknown>>();
    expect(row).toMatchObject({ password_algorithm: "pbkdf2-sha256", password_iterations: 100_000 });
    expect(JSON.stringify(row)).not.toContain(password);
  });
});

describe("login", () => {
  it("answers an unknown email and a wrong password identically", async () => {
    const { email } = await registerUser("victim");
    const wrong = await call("/api/auth/login", {
      method: "POST",
      ip: freshIp(),
      json: { email, password: "wrong password!" },
    });
    const unknown = await call("/api/auth/login", {
      method: "POST",
      ip: freshIp(),
      json: { email: freshEmail("nobody"), password: "wrong password!" },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });
    expect(strip(await wrong.json())).toEqual(strip(await unknown.json()));
  });

  it("issues a new session at every login, as a cookie with the right attributes or as a bearer token", async () => {
    const { email, client: first } = await registerUser("multi");
    const res = await call("/api/auth/login", { method: "POST", ip: freshIp(), json: { email, password: PASSWORD } });
    expect(res.status).toBe(200);
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE_NAME}=`)) ?? "";
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).not.toMatch(/Domain=/i);
    const second = sessionTokenFrom(res);
    expect(second).not.toBe(first.token);

    const bearer = await login(email, PASSWORD, "bearer");
    const me = await bearer.client.fetch("/api/auth/me");
    expect(me.status).toBe(200);
  });

  it("ignores a token in the query string", async () => {
    const { client } = await registerUser("query");
    const res = await call(`/api/auth/me?session=${client.token}&token=${client.token}`);
    expect(res.status).toBe(401);
  });

  it("refuses forged, truncated and foreign-format tokens with 401", async () => {
    for (const token of ["A".repeat(43), "abc", `${"A".repeat(42)}*`]) {
      expect((await bearerClient(token).fetch("/api/auth/me")).status).toBe(401);
      expect((await cookieClient(token).fetch("/api/auth/me")).status).toBe(401);
    }
  });
});

describe("sessions", () => {
  it("lists my sessions with the current one marked, and revoking one refuses it on the next request", async () => {
    const { email, client: laptop } = await registerUser("sessions");
    const phone = await login(email);
    const listed = await laptop.fetch("/api/sessions");
    const { sessions } = await listed.json<{ sessions: { id: string; current: boolean }[] }>();
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.find((s) => !s.current)?.id).toBe(phone.sessionId);

    const revoke = await laptop.fetch(`/api/sessions/${phone.sessionId}`, { method: "DELETE" });
    expect(revoke.status).toBe(204);
    expect((await phone.client.fetch("/api/auth/me")).status).toBe(401);
    expect((await laptop.fetch("/api/auth/me")).status).toBe(200);
  });

  it("answers 404 for another user's session id and leaves it alone", async () => {
    const alice = await registerUser("alice");
    const bob = await registerUser("bob");
    const bobSession = (await (await bob.client.fetch("/api/sessions")).json<{ sessions: { id: string }[] }>())
      .sessions[0]?.id;
    const res = await alice.client.fetch(`/api/sessions/${bobSession}`, { method: "DELETE" });
    expect(res.status).toBe(404);
    expect((await bob.client.fetch("/api/auth/me")).status).toBe(200);
  });

  it("signs out everywhere else", async () => {
    const { email, client } = await registerUser("everywhere");
    const others = [await login(email), await login(email, PASSWORD, "bearer")];
    const res = await client.fetch("/api/sessions", { method: "DELETE" });
    expect(await res.json()).toEqual({ revoked: 2 });
    for (const other of others) expect((await other.client.fetch("/api/auth/me")).status).toBe(401);
    expect((await client.fetch("/api/auth/me")).status).toBe(200);
  });

  it("logout revokes the session and clears the cookie", async () => {
    const { client } = await registerUser("logout");
    const res = await client.fetch("/api/auth/logout", { method: "POST" });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().join(";")).toMatch(new RegExp(`${COOKIE_NAME}=;`));
    expect((await client.fetch("/api/auth/me")).status).toBe(401);
  });
});

describe("profile", () => {
  it("changes the display name", async () => {
    const { client } = await registerUser("rename");
    const res = await client.fetch("/api/users/me", { method: "PATCH", json: { displayName: "  Renamed  " } });
    expect(res.status).toBe(200);
    expect((await res.json<{ user: UserBody }>()).user.displayName).toBe("Renamed");
  });

  it("changes the password only with the current one, ending every other session", async () => {
    const { email, client } = await registerUser("pwchange");
    const other = await login(email);
    const wrong = await client.fetch("/api/users/me", {
      method: "PATCH",
      json: { password: { current: "not my password", next: "another long passphrase" } },
    });
    expect(wrong.status).toBe(400);
    const ok = await client.fetch("/api/users/me", {
      method: "PATCH",
      json: { password: { current: PASSWORD, next: "another long passphrase" } },
    });
    expect(ok.status).toBe(200);
    const renewed = cookieClient(sessionTokenFrom(ok) ?? "");
    expect((await renewed.fetch("/api/auth/me")).status).toBe(200);
    expect((await client.fetch("/api/auth/me")).status).toBe(401);
    expect((await other.client.fetch("/api/auth/me")).status).toBe(401);
    await expect(login(email)).rejects.toThrow(/401/);
    await expect(login(email, "another long passphrase")).resolves.toBeDefined();
  });

  it("refuses mass assignment of role, id, email or hash, changing nothing", async () => {
    const { client, user } = await registerUser("massassign");
    const before = await snapshotUsers();
    for (const json of [
      { role: "admin" },
      { id: "0".repeat(32) },
      { email: "x@example.com" },
      { password_hash: "x" },
      { displayName: "ok", "display_name = 'x'; --": 1 },
      { __proto__: { role: "admin" } },
      JSON.parse('{"__proto__": {"role": "admin"}}'),
      {},
    ]) {
      const res = await client.fetch("/api/users/me", { method: "PATCH", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect(await snapshotUsers()).toEqual(before);
    expect((await (await client.fetch("/api/auth/me")).json<UserBody>()).role).toBe(
      before.find((u) => u.id === user.id)?.role,
    );
  });
});

describe("CSRF on cookie-authenticated writes", () => {
  it("refuses a missing or foreign Origin with 403, before the handler runs", async () => {
    const { client } = await registerUser("csrf");
    const noOrigin = await client.fetch("/api/users/me", {
      method: "PATCH",
      json: { displayName: "hacked" },
      headers: { Origin: "" },
    });
    expect(noOrigin.status).toBe(403);
    const foreign = await client.fetch("/api/users/me", {
      method: "PATCH",
      json: { displayName: "hacked" },
      headers: { Origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect((await (await client.fetch("/api/auth/me")).json<UserBody>()).displayName).toBe("csrf");
  });

  it("refuses form and text bodies on cookie requests", async () => {
    const { client } = await registerUser("csrfform");
    for (const type of ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"]) {
      const res = await client.fetch("/api/auth/logout", {
        method: "POST",
        headers: { "Content-Type": type },
        body: "a=b",
      });
      expect(res.status, type).toBe(415);
    }
    expect((await client.fetch("/api/auth/me")).status).toBe(200);
  });

  it("accepts a same-origin fetch without Origin when the browser says Sec-Fetch-Site: same-origin", async () => {
    const { client } = await registerUser("secfetch");
    const res = await client.fetch("/api/users/me", {
      method: "PATCH",
      json: { displayName: "fine" },
      headers: { Origin: "", "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(200);
  });

  it("does not need an Origin for bearer requests (no ambient credential)", async () => {
    const { email } = await registerUser("bearercsrf");
    const { client } = await login(email, PASSWORD, "bearer");
    const res = await client.fetch("/api/users/me", { method: "PATCH", json: { displayName: "api" } });
    expect(res.status).toBe(200);
  });

  it("uses the same Origin as the request's own URL as first-party", async () => {
    const { client } = await registerUser("sameorigin");
    const res = await client.fetch("/api/users/me", {
      method: "PATCH",
      json: { displayName: "x" },
      headers: { Origin: BASE },
    });
    expect(res.status).toBe(200);
  });
});

describe("logs", () => {
  it("never contain a raw session token or a password", async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(String(line)));
    try {
      const { email, password, client } = await registerUser("logcheck");
      const bearer = await login(email, password, "bearer");
      await client.fetch("/api/auth/me");
      await bearer.client.fetch("/api/auth/me");
      await call("/api/auth/login", { method: "POST", ip: freshIp(), json: { email, password: "wrong guess 123" } });
      await call(`/api/auth/me?token=${bearer.client.token}`);
      await client.fetch("/api/auth/logout", { method: "POST" });
      const all = lines.join("\n");
      expect(lines.length).toBeGreaterThan(0);
      expect(all).not.toContain(client.token);
      expect(all).not.toContain(bearer.client.token);
      expect(all).not.toContain(password);
      expect(all).not.toContain("wrong guess 123");
    } finally {
      spy.mockRestore();
    }
  });
});
