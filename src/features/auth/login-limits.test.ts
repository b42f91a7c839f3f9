// The sign-in lock-out: failures per (account, client) and a higher per-account ceiling; successes never count.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { PROBLEM_CONTENT_TYPE } from "@outpost/edge-kit/errors";
import { describe, expect, it } from "vitest";
import {
  BASE,
  call,
  cookieClient,
  freshEmail,
  freshIp,
  PASSWORD,
  registerUser,
  sessionTokenFrom,
} from "../../../test/helpers";
import worker from "../../index";
import { consumeLimit } from "../limits";

const WRONG = "not the password at all";

const login = (email: string, password: string, ip: string) =>
  call("/api/auth/login", { method: "POST", ip, json: { email, password } });

/** The Worker's own fetch under `vars` (e.g. smaller RATE_LIMITS), with every binding of the test env. */
async function fetchWith(vars: Partial<Env>, path: string, init: RequestInit & { ip: string; json: unknown }) {
  const headers = new Headers({ "Content-Type": "application/json", "CF-Connecting-IP": init.ip });
  const request = new Request(`${BASE}${path}`, { method: init.method, headers, body: JSON.stringify(init.json) });
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function expectLimited(res: Response) {
  expect(res.status).toBe(429);
  expect(res.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
  expect(await res.json()).toMatchObject({ status: 429, code: "rate-limited" });
  const retryAfter = Number(res.headers.get("Retry-After"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  return retryAfter;
}

describe("sign-in lock-out", () => {
  it("refuses a guesser after 10 failures from its address, while the owner signs in from another", async () => {
    const { email } = await registerUser("owner");
    const attacker = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(email, WRONG, attacker)).status);
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 401));
    // The 11th guess from that address is refused before any hashing, even with the right password.
    const retryAfter = await expectLimited(await login(email, WRONG, attacker));
    expect(retryAfter).toBeLessThanOrEqual(90); // one failure in 15 min / 10 refills every 90 s
    await expectLimited(await login(email, PASSWORD, attacker));
    // The owner, elsewhere, is not affected.
    const owner = await login(email, PASSWORD, freshIp());
    expect(owner.status).toBe(200);
    console.log(`lock-out: attacker 10 × 401 then 429 (Retry-After ${retryAfter} s); owner elsewhere → 200`);
  });

  it("never counts a successful sign-in", async () => {
    const { email } = await registerUser("busy");
    const ip = freshIp();
    for (let i = 0; i < 12; i++) expect((await login(email, PASSWORD, ip)).status).toBe(200);
    const failures: number[] = [];
    for (let i = 0; i < 10; i++) failures.push((await login(email, WRONG, ip)).status);
    expect(failures).toEqual(Array.from({ length: 10 }, () => 401));
    await expectLimited(await login(email, WRONG, ip));
  });

  it("counts each of a burst of parallel guesses: exactly 10 are tried, the rest refused", async () => {
    const { email } = await registerUser("burst");
    const ip = freshIp();
    const statuses = (await Promise.all(Array.from({ length: 16 }, () => login(email, WRONG, ip)))).map(
      (r) => r.status,
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(6);
  });

  it("keeps a per-account ceiling: failures spread over many addresses lock the account out", async () => {
    const vars = {
      RATE_LIMITS: JSON.stringify({
        auth: { limit: 30, periodSeconds: 60 },
        "login-client": { limit: 2, periodSeconds: 900 },
        "login-account": { limit: 5, periodSeconds: 900 },
      }),
    };
    const { email } = await registerUser("spread");
    const attempt = (password: string, ip: string) =>
      fetchWith(vars, "/api/auth/login", { method: "POST", ip, json: { email, password } });
    const [a, b, c] = [freshIp(), freshIp(), freshIp()];
    const statuses: number[] = [];
    for (const ip of [a, a, b, b, c]) statuses.push((await attempt(WRONG, ip)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // Five failures in all: the ceiling is reached, for every address, the owner's included.
    await expectLimited(await attempt(WRONG, c));
    const retryAfter = await expectLimited(await attempt(PASSWORD, freshIp()));
    // Another account is untouched by this one's ceiling.
    const other = await registerUser("bystander");
    expect(
      (
        await fetchWith(vars, "/api/auth/login", {
          method: "POST",
          ip: c,
          json: { email: other.email, password: PASSWORD },
        })
      ).status,
    ).toBe(200);
    console.log(`lock-out ceiling: 5 failures from 3 addresses → owner refused 429 (Retry-After ${retryAfter} s)`);
  });

  it("gives back the per-address token when the ceiling refuses an attempt", async () => {
    const vars = {
      RATE_LIMITS: JSON.stringify({
        auth: { limit: 30, periodSeconds: 60 },
        "login-client": { limit: 2, periodSeconds: 900 },
        "login-account": { limit: 2, periodSeconds: 900 },
      }),
    };
    const { email } = await registerUser("refund");
    const attempt = (password: string, ip: string) =>
      fetchWith(vars, "/api/auth/login", { method: "POST", ip, json: { email, password } });
    const [a, b] = [freshIp(), freshIp()];
    expect((await attempt(WRONG, a)).status).toBe(401);
    expect((await attempt(WRONG, a)).status).toBe(401);
    // The ceiling (2) is full: b is refused, and must not have spent its own allowance on it.
    for (let i = 0; i < 3; i++) await expectLimited(await attempt(WRONG, b));
    // b's own bucket (login-client, 2 in 15 min) is still full: the next token taken leaves 1.
    const own = await consumeLimit({ ...env, ...vars }, "login-client", `account:${email}|ip:${b}`);
    expect(own.remaining).toBe(1);
  });

  it("counts only a wrong current password on a password change, like a sign-in", async () => {
    const user = await registerUser("changer");
    let client = user.client;
    const passwords = [PASSWORD, "a second unusual passphrase"];
    const change = (current: string, next: string) =>
      client.fetch("/api/users/me", { method: "PATCH", json: { password: { current, next } } });
    // Twelve right changes: more than the 10 a client may get wrong, and none of them counts.
    for (let i = 0; i < 12; i++) {
      const res = await change(passwords[i % 2] as string, passwords[(i + 1) % 2] as string);
      expect(res.status, `change ${i + 1}`).toBe(200);
      client = cookieClient(sessionTokenFrom(res) as string, client.ip);
    }
    const current = passwords[0] as string; // after an even number of changes
    for (let i = 0; i < 10; i++) expect((await change(WRONG, "yet another passphrase")).status).toBe(400);
    await expectLimited(await change(current, "yet another passphrase"));
  });

  it("counts an unknown email's failures like a known one's", async () => {
    const email = freshEmail("ghost");
    const ip = freshIp();
    for (let i = 0; i < 10; i++) expect((await login(email, WRONG, ip)).status).toBe(401);
    await expectLimited(await login(email, WRONG, ip));
  });
});
