// ASVS 8.2.1 matrix: every route × {anonymous, member A, member B, admin, expired, revoked}.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../src/app";
import { sessionStore } from "../src/features/auth/session.middleware";
import { FileRepository } from "../src/features/files/file-repository";
import { createShareLink } from "../src/features/files/share-links";
import { multipartRoutes, problemShape } from "./files-helpers";
import { bearerClient, call, cookieClient, PASSWORD, registerUser } from "./helpers";

type Access = "public" | "user" | "admin";
interface RouteCase {
  method: string;
  path: string;
  access: Access;
  /** Builds the concrete request path and body for the identity's user id. */
  request: (ids: { self: string; other: string }) => { path: string; json?: unknown };
}

/** An id no file has: owner checks answer 404, which is "allowed" here (not 401/403). */
const NO_FILE = "0".repeat(32);
/** A live share link, made in beforeAll: the share route is public. */
const shared = { path: "" };

const CASES: RouteCase[] = [
  { method: "GET", path: "/api/status", access: "public", request: () => ({ path: "/api/status" }) },
  { method: "GET", path: "/api/openapi.json", access: "public", request: () => ({ path: "/api/openapi.json" }) },
  { method: "GET", path: "/api/docs", access: "public", request: () => ({ path: "/api/docs" }) },
  { method: "GET", path: "/api/counters/{name}", access: "public", request: () => ({ path: "/api/counters/matrix" }) },
  {
    method: "POST",
    path: "/api/counters/{name}/{action}",
    access: "user",
    request: () => ({ path: "/api/counters/matrix/increment" }),
  },
  { method: "GET", path: "/counter/{name}", access: "public", request: () => ({ path: "/counter/matrix" }) },
  {
    method: "POST",
    path: "/counter/{name}/{action}",
    access: "user",
    request: () => ({ path: "/counter/matrix/increment" }),
  },
  {
    method: "POST",
    path: "/api/auth/register",
    access: "public",
    request: () => ({
      path: "/api/auth/register",
      json: { email: `m-${crypto.randomUUID()}@example.com`, password: "matrix passphrase 1", displayName: "m" },
    }),
  },
  {
    method: "POST",
    path: "/api/auth/login",
    access: "public",
    request: () => ({
      path: "/api/auth/login",
      json: { email: loginUser.email, password: PASSWORD, transport: "bearer" },
    }),
  },
  { method: "POST", path: "/api/auth/logout", access: "user", request: () => ({ path: "/api/auth/logout" }) },
  { method: "GET", path: "/api/auth/session", access: "user", request: () => ({ path: "/api/auth/session" }) },
  { method: "GET", path: "/api/auth/me", access: "user", request: () => ({ path: "/api/auth/me" }) },
  { method: "GET", path: "/api/auth/state", access: "public", request: () => ({ path: "/api/auth/state" }) },
  { method: "GET", path: "/api/sessions", access: "user", request: () => ({ path: "/api/sessions" }) },
  { method: "DELETE", path: "/api/sessions", access: "user", request: () => ({ path: "/api/sessions" }) },
  {
    method: "DELETE",
    path: "/api/sessions/{id}",
    access: "user",
    request: () => ({ path: `/api/sessions/${"a".repeat(24)}` }),
  },
  {
    method: "PATCH",
    path: "/api/users/me",
    access: "user",
    request: () => ({ path: "/api/users/me", json: { displayName: "matrix" } }),
  },
  {
    method: "GET",
    path: "/api/users/lookup",
    access: "user",
    request: (ids) => ({ path: `/api/users/lookup?ids=${ids.other}` }),
  },
  { method: "GET", path: "/api/users", access: "admin", request: () => ({ path: "/api/users" }) },
  {
    method: "PATCH",
    path: "/api/users/{id}",
    access: "admin",
    request: (ids) => ({ path: `/api/users/${ids.other}`, json: { disabled: false } }),
  },
  { method: "GET", path: "/api/features", access: "public", request: () => ({ path: "/api/features" }) },
  { method: "GET", path: "/api/features/{name}", access: "public", request: () => ({ path: "/api/features/matrix" }) },
  {
    method: "PUT",
    path: "/api/features/{name}",
    access: "admin",
    request: () => ({ path: "/api/features/matrix", json: { enabled: true, rolloutPercentage: 10 } }),
  },
  {
    method: "DELETE",
    path: "/api/features/{name}",
    access: "admin",
    request: () => ({ path: "/api/features/matrix-absent" }),
  },
  { method: "GET", path: "/api/rooms", access: "user", request: () => ({ path: "/api/rooms" }) },
  { method: "GET", path: "/api/rooms/{room}/ws", access: "user", request: () => ({ path: "/api/rooms/matrix/ws" }) },
  {
    method: "GET",
    path: "/room/{room}/websocket",
    access: "user",
    request: () => ({ path: "/room/matrix/websocket" }),
  },
  {
    method: "POST",
    path: "/api/rooms/{room}/ticket",
    access: "user",
    request: () => ({ path: "/api/rooms/matrix/ticket" }),
  },
  {
    method: "GET",
    path: "/api/rooms/{room}/history",
    access: "user",
    request: () => ({ path: "/api/rooms/matrix/history" }),
  },
  { method: "GET", path: "/room/{room}/history", access: "user", request: () => ({ path: "/room/matrix/history" }) },
  { method: "GET", path: "/api/rooms/{room}", access: "user", request: () => ({ path: "/api/rooms/matrix" }) },
  {
    method: "GET",
    path: "/api/rooms/{room}/threads/{rootId}",
    access: "user",
    request: () => ({ path: "/api/rooms/matrix/threads/1" }),
  },
  {
    method: "GET",
    path: "/api/rooms/{room}/people",
    access: "user",
    request: () => ({ path: "/api/rooms/matrix/people?q=a" }),
  },
  {
    method: "GET",
    path: "/api/rooms/{room}/messages/{messageId}/attachments/{fileId}",
    access: "user",
    request: () => ({ path: `/api/rooms/matrix/messages/1/attachments/${NO_FILE}` }),
  },
  { method: "GET", path: "/api/search", access: "user", request: () => ({ path: "/api/search?q=matrix" }) },
  { method: "GET", path: "/api/inbox", access: "user", request: () => ({ path: "/api/inbox" }) },
  {
    method: "POST",
    path: "/api/inbox/read",
    access: "user",
    request: () => ({ path: "/api/inbox/read", json: { all: true } }),
  },
  { method: "GET", path: "/api/inbox/ws", access: "user", request: () => ({ path: "/api/inbox/ws" }) },
  {
    method: "PUT",
    path: "/api/rooms/{room}/read",
    access: "user",
    request: () => ({ path: "/api/rooms/matrix/read", json: { lastId: 0 } }),
  },
  {
    method: "POST",
    path: "/api/rooms",
    access: "user",
    request: () => ({
      path: "/api/rooms",
      json: { name: `matrix-${crypto.randomUUID().slice(0, 8)}`, visibility: "private" },
    }),
  },
  {
    method: "GET",
    path: "/api/rooms/{room}/members",
    access: "user",
    request: () => ({ path: "/api/rooms/matrix/members" }),
  },
  {
    method: "POST",
    path: "/api/rooms/{room}/members",
    access: "user",
    request: () => ({ path: "/api/rooms/matrix/members", json: { email: "nobody@example.com" } }),
  },
  {
    method: "DELETE",
    path: "/api/rooms/{room}/members/{userId}",
    access: "user",
    request: ({ other }) => ({ path: `/api/rooms/matrix/members/${other}` }),
  },
  { method: "GET", path: "/api/admin/metrics", access: "admin", request: () => ({ path: "/api/admin/metrics" }) },
  {
    method: "DELETE",
    path: "/api/admin/cache/{namespace}",
    access: "admin",
    request: () => ({ path: "/api/admin/cache/users" }),
  },
  { method: "GET", path: "/api/files", access: "user", request: () => ({ path: "/api/files" }) },
  {
    method: "POST",
    path: "/api/files",
    access: "user",
    request: () => ({ path: "/api/files?name=matrix.json", json: { matrix: true } }),
  },
  { method: "GET", path: "/api/files/{id}", access: "user", request: () => ({ path: `/api/files/${NO_FILE}` }) },
  {
    method: "DELETE",
    path: "/api/files/{id}",
    access: "user",
    request: () => ({ path: `/api/files/${NO_FILE}` }),
  },
  {
    method: "GET",
    path: "/api/files/{id}/content",
    access: "user",
    request: () => ({ path: `/api/files/${NO_FILE}/content` }),
  },
  {
    method: "GET",
    path: "/api/files/{id}/links",
    access: "user",
    request: () => ({ path: `/api/files/${NO_FILE}/links` }),
  },
  {
    method: "POST",
    path: "/api/files/{id}/links",
    access: "user",
    request: () => ({ path: `/api/files/${NO_FILE}/links`, json: { expiresInSeconds: 600 } }),
  },
  {
    method: "DELETE",
    path: "/api/files/{id}/links/{linkId}",
    access: "user",
    request: () => ({ path: `/api/files/${NO_FILE}/links/${NO_FILE}` }),
  },
  {
    method: "POST",
    path: "/api/files/uploads",
    access: "user",
    request: () => ({ path: "/api/files/uploads", json: { name: "matrix.bin", size: 10 } }),
  },
  {
    method: "GET",
    path: "/api/files/uploads/{id}",
    access: "user",
    request: () => ({ path: `/api/files/uploads/${NO_FILE}` }),
  },
  {
    method: "DELETE",
    path: "/api/files/uploads/{id}",
    access: "user",
    request: () => ({ path: `/api/files/uploads/${NO_FILE}` }),
  },
  {
    method: "PUT",
    path: "/api/files/uploads/{id}/parts/{n}",
    access: "user",
    request: () => ({ path: `/api/files/uploads/${NO_FILE}/parts/1` }),
  },
  {
    method: "POST",
    path: "/api/files/uploads/{id}/complete",
    access: "user",
    request: () => ({ path: `/api/files/uploads/${NO_FILE}/complete` }),
  },
  { method: "GET", path: "/api/share/{token}", access: "public", request: () => ({ path: shared.path }) },
  {
    method: "POST",
    path: "/api/assistant/chat",
    access: "user",
    // An empty question: refused with 400 after the access check, so no stream is left open.
    request: () => ({ path: "/api/assistant/chat", json: { message: "" } }),
  },
  {
    method: "GET",
    path: "/api/assistant/conversations",
    access: "user",
    request: () => ({ path: "/api/assistant/conversations" }),
  },
  {
    method: "GET",
    path: "/api/assistant/conversations/{id}",
    access: "user",
    request: () => ({ path: `/api/assistant/conversations/${NO_FILE}` }),
  },
  {
    method: "POST",
    path: "/api/features/{name}/preview",
    access: "admin",
    request: () => ({ path: "/api/features/matrix/preview", json: { enabled: true, rolloutPercentage: 10 } }),
  },
  {
    method: "PATCH",
    path: "/api/assistant/conversations/{id}",
    access: "user",
    request: () => ({ path: `/api/assistant/conversations/${NO_FILE}`, json: { title: "matrix" } }),
  },
  {
    method: "DELETE",
    path: "/api/assistant/conversations/{id}",
    access: "user",
    request: () => ({ path: `/api/assistant/conversations/${NO_FILE}` }),
  },
  { method: "GET", path: "/api/users/me/stats", access: "user", request: () => ({ path: "/api/users/me/stats" }) },
  {
    method: "GET",
    path: "/api/admin/files/states",
    access: "admin",
    request: () => ({ path: "/api/admin/files/states" }),
  },
  {
    method: "GET",
    path: "/api/admin/files/dead-letters",
    access: "admin",
    request: () => ({ path: "/api/admin/files/dead-letters" }),
  },
  {
    method: "POST",
    path: "/api/admin/files/dead-letters/{messageId}/retry",
    access: "admin",
    request: () => ({ path: "/api/admin/files/dead-letters/matrix-none/retry" }),
  },
];

type Identity = "anonymous" | "memberA" | "memberB" | "admin" | "expired" | "revoked";
const IDENTITIES: Identity[] = ["anonymous", "memberA", "memberB", "admin", "expired", "revoked"];

function expectedClass(access: Access, identity: Identity): "denied-401" | "denied-403" | "allowed" {
  if (access === "public") return "allowed";
  if (identity === "anonymous" || identity === "expired" || identity === "revoked") return "denied-401";
  if (access === "admin" && identity !== "admin") return "denied-403";
  return "allowed";
}

const users: Record<"admin" | "memberA" | "memberB", { id: string; role: "admin" | "member" }> = {
  admin: { id: "", role: "admin" },
  memberA: { id: "", role: "member" },
  memberB: { id: "", role: "member" },
};

const loginUser = { email: "" };

beforeAll(async () => {
  // The file's first user is the admin (storage is isolated per test file).
  users.admin.id = (await registerUser("matrix-admin")).user.id;
  loginUser.email = (await registerUser("matrix-login")).email;
  users.memberA.id = (await registerUser("matrix-a")).user.id;
  users.memberB.id = (await registerUser("matrix-b")).user.id;
  const now = new Date().toISOString();
  const file = {
    id: "f".repeat(32),
    ownerId: users.memberA.id,
    objectKey: `f/${users.memberA.id}/${"e".repeat(32)}`,
    name: "shared.txt",
    contentType: "text/plain",
    size: 5,
    uploadMode: "single" as const,
    partSize: null,
    now,
  };
  const repository = new FileRepository(env.DB);
  await env.FILES.put(file.objectKey, "hello");
  await repository.insert(file);
  await repository.markStored(file, { size: 5, sha256: null, contentType: "text/plain" }, now);
  const record = await repository.find(file.id);
  if (!record) throw new Error("matrix file missing");
  shared.path = new URL((await createShareLink(env, record, 3_600, "http://outpost.test")).url ?? "").pathname;
});

/** A fresh credential per request, so routes that end sessions cannot disturb the next row. */
async function credentialFor(identity: Identity, useBearer: boolean) {
  if (identity === "anonymous") return null;
  const account = identity === "expired" || identity === "revoked" ? users.memberA : users[identity];
  const past = identity === "expired" ? Date.now() - 40 * 86_400_000 : undefined;
  const store = sessionStore(env, past === undefined ? undefined : () => past);
  const { token, session } = await store.create({
    userId: account.id,
    role: account.role,
    epoch: 0,
    userAgent: "matrix",
  });
  if (identity === "revoked") await store.revoke(account.id, session.id);
  return useBearer ? bearerClient(token) : cookieClient(token);
}

describe("authorization matrix", () => {
  it("covers every route the app serves", () => {
    const served = app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
    const covered = new Set(CASES.map((c) => `${c.method} ${c.path}`));
    expect(served.filter((route) => !covered.has(route))).toEqual([]);
  });

  it("gives every route × identity the expected answer, through cookies and bearer tokens", async () => {
    const mismatches: string[] = [];
    let checked = 0;
    for (const route of CASES) {
      for (const identity of IDENTITIES) {
        for (const useBearer of [false, true]) {
          if (identity === "anonymous" && useBearer) continue;
          const client = await credentialFor(identity, useBearer);
          const self = identity === "memberB" ? users.memberB.id : users.memberA.id;
          const other = identity === "memberB" ? users.memberA.id : users.memberB.id;
          const { path, json } = route.request({ self, other });
          const init = { method: route.method, json };
          const res = client
            ? await client.fetch(path, init)
            : await call(path, { ...init, ip: `192.0.2.${checked % 250}` });
          const expected = expectedClass(route.access, identity);
          const actual = res.status === 401 ? "denied-401" : res.status === 403 ? "denied-403" : "allowed";
          if (actual !== expected || res.status >= 500) {
            mismatches.push(
              `${route.method} ${path} as ${identity}${useBearer ? " (bearer)" : ""}: ${res.status}, expected ${expected}`,
            );
          }
          checked++;
        }
      }
    }
    console.log(
      `authorization matrix: ${CASES.length} routes × ${IDENTITIES.length} identities, ${checked} requests, ${mismatches.length} mismatches`,
    );
    expect(mismatches).toEqual([]);
    // ~630 requests in sequence: 9 s on an idle 2-core machine, up to 50 s when other workerd tests share it.
  }, 120_000);
});

describe("multipart uploads across users (ASVS 8.2.2)", () => {
  it("answers another user 404 on every upload route, exactly as for an id that does not exist", async () => {
    const owner = (await registerUser("upload-owner")).client;
    const stranger = (await registerUser("upload-stranger")).client;
    const name = "confidential-merger-plan.txt";
    const started = await owner.fetch("/api/files/uploads", {
      method: "POST",
      json: { name, size: 1_000, contentType: "text/plain" },
    });
    const id = (await started.json<{ file: { id: string } }>()).file.id;
    const probe = async () => {
      const ghosts = multipartRoutes(NO_FILE);
      for (const [i, route] of multipartRoutes(id).entries()) {
        const res = await stranger.fetch(route.path, route.init);
        const text = await res.text();
        expect(res.status, `${route.method} ${route.path}`).toBe(404);
        expect(text, `${route.method} ${route.path}`).not.toContain("merger");
        const ghost = await stranger.fetch(ghosts[i]?.path ?? "", ghosts[i]?.init);
        expect(problemShape(JSON.parse(text))).toEqual(problemShape(await ghost.json()));
      }
    };
    // While the upload is open, and again once it is complete (a repeated complete answers the owner's file).
    await probe();
    const state = await (await owner.fetch(`/api/files/uploads/${id}`)).json<{
      parts: unknown[];
      file: { name: string };
    }>();
    expect(state).toMatchObject({ parts: [], file: { name } });
    const [, put, complete] = multipartRoutes(id);
    expect((await owner.fetch(put?.path ?? "", put?.init)).status).toBe(200);
    expect((await owner.fetch(complete?.path ?? "", complete?.init)).status).toBe(200);
    await probe();
    expect((await owner.fetch(`/api/files/${id}`)).status).toBe(200);
  });
});
