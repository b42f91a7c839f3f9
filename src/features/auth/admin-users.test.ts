// Admin user management, and how role and disabled changes take effect.
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, call, login, PASSWORD, registerUser } from "../../../test/helpers";

type Page = { users: { id: string; email: string; role: string }[]; nextCursor: string | null };

let root: Awaited<ReturnType<typeof registerUser>>;
let admin: Client;

beforeAll(async () => {
  // Storage is isolated per test file, so this is the file's first user: the admin.
  root = await registerUser("root");
  expect(root.user.role).toBe("admin");
  admin = root.client;
});

describe("admin user routes", () => {
  it("are refused to anonymous callers (401) and members (403)", async () => {
    const member = await registerUser("member");
    expect(member.user.role).toBe("member");
    expect((await call("/api/users")).status).toBe(401);
    expect((await member.client.fetch("/api/users")).status).toBe(403);
    const patch = await member.client.fetch(`/api/users/${root.user.id}`, {
      method: "PATCH",
      json: { role: "member" },
    });
    expect(patch.status).toBe(403);
    expect((await admin.fetch("/api/users")).status).toBe(200);
  });

  it("pages through every user exactly once with a cursor", async () => {
    for (let i = 0; i < 7; i++) await registerUser(`paged-${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = `limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const res: Response = await admin.fetch(`/api/users?${query}`);
      expect(res.status).toBe(200);
      const page: Page = await res.json();
      expect(page.users.length).toBeLessThanOrEqual(3);
      seen.push(...page.users.map((u) => u.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(new Set(seen).size).toBe(seen.length);
    const total = (await admin.fetch("/api/users?limit=100").then((r) => r.json<Page>())).users.length;
    expect(seen.length).toBe(total);
    expect(total).toBeGreaterThanOrEqual(8);
    for (const bad of ["limit=0", "limit=101", "limit=abc", "cursor=garbage!", `cursor=${btoa("[1,2]")}`]) {
      expect((await admin.fetch(`/api/users?${bad}`)).status, bad).toBe(400);
    }
  });

  it("promotion needs a new sign-in, and demotion takes effect at once on admin routes", async () => {
    const deputy = await registerUser("deputy");
    expect(
      (await admin.fetch(`/api/users/${deputy.user.id}`, { method: "PATCH", json: { role: "admin" } })).status,
    ).toBe(200);
    // The role change ended the deputy's old session (a privilege change renews the session).
    expect((await deputy.client.fetch("/api/auth/me")).status).toBe(401);
    const deputyAdmin = (await login(deputy.email)).client;
    expect((await deputyAdmin.fetch("/api/users")).status).toBe(200);
    await admin.fetch(`/api/users/${deputy.user.id}`, { method: "PATCH", json: { role: "member" } });
    expect([401, 403]).toContain((await deputyAdmin.fetch("/api/users")).status);
  });

  it("disabling a user ends their sessions and refuses their logins", async () => {
    const target = await registerUser("target");
    const res = await admin.fetch(`/api/users/${target.user.id}`, { method: "PATCH", json: { disabled: true } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ disabled: true });
    expect((await target.client.fetch("/api/auth/me")).status).toBe(401);
    const relogin = await call("/api/auth/login", {
      method: "POST",
      ip: "203.0.113.9",
      json: { email: target.email, password: PASSWORD },
    });
    expect(relogin.status).toBe(403);
    expect(await relogin.json()).toMatchObject({ code: "account-disabled" });
  });

  it("never leaves the workspace without an active admin", async () => {
    const res = await admin.fetch(`/api/users/${root.user.id}`, { method: "PATCH", json: { role: "member" } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "last-admin" });
    const disable = await admin.fetch(`/api/users/${root.user.id}`, { method: "PATCH", json: { disabled: true } });
    expect(disable.status).toBe(409);
    expect((await admin.fetch("/api/users")).status).toBe(200);
  });

  it("refuses unknown fields, bad ids and unknown users", async () => {
    const other = await registerUser("other");
    for (const json of [
      { role: "owner" },
      { email: "x@example.com" },
      { disabled: "yes" },
      {},
      { role: "admin", id: "x" },
    ]) {
      const res = await admin.fetch(`/api/users/${other.user.id}`, { method: "PATCH", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
    }
    expect((await admin.fetch("/api/users/not-an-id", { method: "PATCH", json: { role: "admin" } })).status).toBe(400);
    expect(
      (await admin.fetch(`/api/users/${"0".repeat(32)}`, { method: "PATCH", json: { role: "admin" } })).status,
    ).toBe(404);
  });
});

describe("GET /api/users?q= (admin search)", () => {
  const search = async (q: string, extra = "") => {
    const res = await admin.fetch(`/api/users?q=${encodeURIComponent(q)}${extra}`);
    expect(res.status, q).toBe(200);
    return res.json<Page & { users: { displayName: string }[] }>();
  };
  const rename = (client: Client, displayName: string) =>
    client.fetch("/api/users/me", { method: "PATCH", json: { displayName } });

  it("finds users by email prefix, ignoring case, and only by prefix", async () => {
    const target = await registerUser("prefixed");
    await rename(target.client, "Someone Else");
    const byPrefix = await search(target.email.slice(0, 14).toUpperCase());
    expect(byPrefix.users.map((u) => u.id)).toContain(target.user.id);
    const byWholeEmail = await search(target.email);
    expect(byWholeEmail.users.map((u) => u.id)).toEqual([target.user.id]);
    // Every email contains "example.com", but none starts with it (and no display name contains it).
    expect((await search("example.com")).users).toEqual([]);
  });

  it("finds users by display-name substring, ignoring case", async () => {
    const target = await registerUser("named");
    await rename(target.client, "Rear Admiral Grace HOPPER");
    for (const q of ["grace hop", "HOPPER", "  admiral  "]) {
      expect(
        (await search(q)).users.map((u) => u.id),
        q,
      ).toEqual([target.user.id]);
    }
    const accented = await registerUser("accented");
    await rename(accented.client, "Émile Zola");
    for (const q of ["Émile", "mile z", "ZOLA"]) {
      expect(
        (await search(q)).users.map((u) => u.id),
        q,
      ).toEqual([accented.user.id]);
    }
  });

  it("matches %, _ and \\ literally, never as wildcards", async () => {
    const percent = await registerUser("percent");
    await rename(percent.client, "100% sure");
    const abc = await registerUser("abc");
    await rename(abc.client, "wild abc card");
    expect((await search("%")).users.map((u) => u.id)).toEqual([percent.user.id]);
    expect((await search("0% s")).users.map((u) => u.id)).toEqual([percent.user.id]);
    expect((await search("a_c")).users).toEqual([]);
    expect((await search("b%d")).users).toEqual([]);
    expect((await search("\\")).users).toEqual([]);
    // Longer than D1's 50-byte cap on LIKE patterns: the search must not be a LIKE pattern.
    expect((await search("%".repeat(100))).users).toEqual([]);
    expect((await search("abc")).users.map((u) => u.id)).toContain(abc.user.id);
  });

  it("pages a search with the cursor, each match once and nothing else", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await registerUser(`pager${i}`)).user.id);
    await registerUser("unrelated");
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await search("PAGER", `&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.users.length).toBeLessThanOrEqual(2);
      seen.push(...page.users.map((u) => u.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(made);
    expect(pages).toBe(3);
  });

  it("refuses an empty, blank or over-long q with 400 problem+json, and members with 403", async () => {
    for (const q of ["", "   ", "x".repeat(101)]) {
      const res = await admin.fetch(`/api/users?q=${encodeURIComponent(q)}`);
      expect(res.status, JSON.stringify(q)).toBe(400);
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ code: "invalid-request", errors: [{ path: "query.q" }] });
    }
    expect((await admin.fetch(`/api/users?q=${"x".repeat(100)}`)).status).toBe(200);
    const member = await registerUser("searching-member");
    expect((await member.client.fetch("/api/users?q=root")).status).toBe(403);
  });
});
