// Behaviours that a fresh mutation sample (seed 4242) showed no test pinned down: who becomes admin when
// ADMIN_EMAIL is configured, completing an upload that is not a multipart one, and the generic 503 problem code.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describeStatus, problemFromStatus } from "@outpost/edge-kit/errors";
import { describe, expect, it } from "vitest";
import { app } from "../src/app";
import { bytesOf, TEXT, uploadOk } from "./files-helpers";
import { BASE, freshEmail, freshIp, registerUser } from "./helpers";

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

describe("completing an upload", () => {
  it("answers 404 for a file uploaded in one request (it has no multipart upload), and leaves it as it was", async () => {
    const { client } = await registerUser("single");
    const file = await uploadOk(client, bytesOf(TEXT), { name: "single.txt", type: "text/plain" });
    const res = await client.fetch(`/api/files/uploads/${file.id}/complete`, { method: "POST" });
    expect(res.status).toBe(404);
    const after = await (await client.fetch(`/api/files/${file.id}`)).json<{ uploadMode: string; size: number }>();
    expect(after).toMatchObject({ uploadMode: "single", size: file.size });
  });
});

describe("the generic problem for a 503", () => {
  it("has the code `unavailable`, so clients can tell it from an internal error", () => {
    expect(describeStatus(503)).toEqual({ code: "unavailable", title: "Service unavailable" });
    expect(describeStatus(500).code).toBe("internal");
    expect(problemFromStatus(503)).toMatchObject({ status: 503, code: "unavailable" });
  });
});
