// With ADMIN_EMAIL configured, only that email becomes admin at registration, whatever the order.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, freshEmail, freshIp } from "../../../test/helpers";
import { app } from "../../app";

async function registerWith(vars: Partial<Env>, email: string) {
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}/api/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() },
    body: JSON.stringify({ email, password: "a long and unusual passphrase", displayName: "R" }),
  });
  const res = await app.fetch(request, { ...env, ...vars } as Env, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(201);
  return (await res.json<{ user: { role: string } }>()).user.role;
}

describe("ADMIN_EMAIL", () => {
  it("makes that email admin and everyone else a member, whatever the order of registration", async () => {
    const boss = freshEmail("boss");
    const vars = { ADMIN_EMAIL: boss } as Partial<Env>;
    expect(await registerWith(vars, freshEmail("first"))).toBe("member");
    expect(await registerWith(vars, boss)).toBe("admin");
    expect(await registerWith(vars, freshEmail("later"))).toBe("member");
  });
});
