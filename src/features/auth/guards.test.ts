// currentAccount() reads the account from D1 on every sensitive request: a session whose account was disabled
// or deleted there, or whose epoch is behind, is refused with 401 at once, even though its KV record remains.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bearerClient, login, PASSWORD, registerUser, sessionTokenFrom } from "../../../test/helpers";

async function expectSessionEnded(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/problem\+json/);
  await res.arrayBuffer();
}

describe("currentAccount", () => {
  it("refuses a session whose account was disabled in D1, even with its epoch unchanged", async () => {
    const { user, client } = await registerUser("guard-disabled");
    expect((await client.fetch("/api/auth/me")).status).toBe(200);
    await env.DB.prepare("UPDATE users SET disabled = 1 WHERE id = ?").bind(user.id).run();
    await expectSessionEnded(await client.fetch("/api/auth/me"));
    await expectSessionEnded(await client.fetch("/api/sessions", { method: "DELETE" }));
  });

  it("refuses a session whose account no longer exists (401, not a 500)", async () => {
    const { user, client } = await registerUser("guard-deleted");
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(user.id).run();
    await expectSessionEnded(await client.fetch("/api/auth/me"));
  });

  it("refuses a session older than the account's epoch", async () => {
    const { user, client } = await registerUser("guard-epoch");
    await env.DB.prepare("UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?").bind(user.id).run();
    await expectSessionEnded(await client.fetch("/api/auth/me"));
  });

  it("accepts the session while the account is active and current", async () => {
    const { client } = await registerUser("guard-active");
    const res = await client.fetch("/api/auth/me");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ displayName: "guard-active" });
  });
});

describe("a password change keeps the client that made it signed in, by its own transport", () => {
  it("a bearer client gets its new token in the body, and no cookie", async () => {
    const { email } = await registerUser("bearer-pw");
    const { client } = await login(email, PASSWORD, "bearer");
    const res = await client.fetch("/api/users/me", {
      method: "PATCH",
      json: { password: { current: PASSWORD, next: "a brand new long passphrase" } },
    });
    expect(res.status).toBe(200);
    expect(sessionTokenFrom(res)).toBeNull();
    const { token } = await res.json<{ token?: string }>();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await bearerClient(token ?? "").fetch("/api/auth/me")).status).toBe(200);
    expect((await client.fetch("/api/auth/me")).status).toBe(401);
  });

  it("a cookie client gets a new cookie, and no token in the body", async () => {
    const { client } = await registerUser("cookie-pw");
    const res = await client.fetch("/api/users/me", {
      method: "PATCH",
      json: { password: { current: PASSWORD, next: "a brand new long passphrase" } },
    });
    expect(res.status).toBe(200);
    expect(sessionTokenFrom(res)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await res.json()).not.toHaveProperty("token");
  });
});
