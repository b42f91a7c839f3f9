// The HTTP contract every route shares: problem+json errors, request ids, CORS, limits.
import { env, SELF } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../src/app";
import { login, registerUser } from "./helpers";

const BASE = "http://outpost.test";
const ALLOWED = "http://localhost:5173";
const EVIL = "https://evil.example";

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const body = await res.json<Record<string, unknown>>();
  expect(body).toMatchObject({ status, code, type: `urn:outpost:problem:${code}` });
  expect(typeof body.title).toBe("string");
  expect(body.requestId).toBe(res.headers.get("X-Request-Id"));
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+|stack/i);
  return body;
}

afterEach(() => vi.restoreAllMocks());

/** Counter writes need a session (issue 13): a bearer token's headers, so no CSRF check is involved. */
let writerToken: Promise<string> | undefined;
async function asWriter(headers: Record<string, string> = {}): Promise<Record<string, string>> {
  writerToken ??= registerUser("http-writer").then(
    async ({ email }) => (await login(email, undefined, "bearer")).client.token,
  );
  return { ...headers, Authorization: `Bearer ${await writerToken}` };
}

describe("problem+json for every failure", () => {
  it("400 for a value that fails its schema, naming the field", async () => {
    const body = await expectProblem(
      await SELF.fetch(`${BASE}/counter/c400/increment?amount=abc`, { method: "POST", headers: await asWriter() }),
      400,
      "invalid-request",
    );
    expect(body.errors).toEqual([expect.objectContaining({ path: "query.amount" })]);
  });

  it("400 for malformed JSON", async () => {
    await expectProblem(
      await SELF.fetch(`${BASE}/counter/c400/increment`, {
        method: "POST",
        headers: await asWriter({ "Content-Type": "application/json" }),
        body: "{amount: 1",
      }),
      400,
      "malformed-json",
    );
  });

  it("400 for wrong types and unknown keys in a JSON body", async () => {
    for (const body of ['{"amount":"5"}', '{"amount":5,"extra":1}', '{"__proto__":{"amount":5}}', "[]", "null"]) {
      const res = await SELF.fetch(`${BASE}/counter/c400/increment`, {
        method: "POST",
        headers: await asWriter({ "Content-Type": "application/json" }),
        body,
      });
      await expectProblem(res, 400, "invalid-request");
    }
  });

  it("404 for an unknown route", async () => {
    const body = await expectProblem(await SELF.fetch(`${BASE}/api/nope`), 404, "not-found");
    expect(body.instance).toBe("/api/nope");
  });

  it("405 with an Allow header for a known path and the wrong method", async () => {
    const res = await SELF.fetch(`${BASE}/api/status`, { method: "DELETE" });
    await expectProblem(res, 405, "method-not-allowed");
    expect(res.headers.get("Allow")).toContain("GET");
  });

  it("413 for a body over the configured limit, before the handler runs", async () => {
    const before = await (await SELF.fetch(`${BASE}/counter/c413`)).json<{ value: number }>();
    const res = await SELF.fetch(`${BASE}/counter/c413/increment`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ amount: 1, pad: "x".repeat(Number(env.MAX_BODY_BYTES)) }),
    });
    await expectProblem(res, 413, "payload-too-large");
    const after = await (await SELF.fetch(`${BASE}/counter/c413`)).json<{ value: number }>();
    expect(after.value).toBe(before.value);
  });

  it("415 for a body that is not JSON", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await SELF.fetch(`${BASE}/counter/c415/increment`, {
        method: "POST",
        headers: await asWriter({ "Content-Type": type }),
        body: "amount=5",
      });
      await expectProblem(res, 415, "unsupported-media-type");
    }
    expect((await (await SELF.fetch(`${BASE}/counter/c415`)).json<{ value: number }>()).value).toBe(0);
  });

  it("500 without internals when a binding fails, and the log line carries the request id and the cause", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: string) => lines.push(line));
    // D1 failing under a signed-in read. (A failing Counter object is a 503 `counter-unavailable` now.)
    const broken = {
      ...env,
      DB: {
        prepare: () => {
          throw new Error("SQLITE_CORRUPT: secret internal detail");
        },
      },
    };
    const headers = await asWriter({ "X-Request-Id": "forced-failure-1" });
    const res = await app.request("/api/auth/me", { headers }, broken);
    const body = await expectProblem(res, 500, "internal");
    expect(JSON.stringify(body)).not.toContain("SQLITE_CORRUPT");
    expect(body.requestId).toBe("forced-failure-1");
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "unhandled error");
    expect(logged).toMatchObject({
      level: "error",
      requestId: "forced-failure-1",
      error: { message: "SQLITE_CORRUPT: secret internal detail" },
    });
  });
});

describe("request ids", () => {
  it("echoes a well-formed X-Request-Id", async () => {
    const res = await SELF.fetch(`${BASE}/api/status`, { headers: { "X-Request-Id": "client-trace-0001" } });
    expect(res.headers.get("X-Request-Id")).toBe("client-trace-0001");
  });

  it("mints a fresh id when none or a malformed one is sent, different per request", async () => {
    const a = (await SELF.fetch(`${BASE}/api/status`)).headers.get("X-Request-Id");
    const b = (await SELF.fetch(`${BASE}/api/status`, { headers: { "X-Request-Id": "bad id <x>" } })).headers.get(
      "X-Request-Id",
    );
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(b).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
});

describe("cross-origin policy", () => {
  it("echoes an allowed origin exactly, with credentials and Vary: Origin", async () => {
    const res = await SELF.fetch(`${BASE}/api/status`, { headers: { Origin: ALLOWED } });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect(res.headers.get("Vary")).toContain("Origin");
  });

  it("answers an allowed preflight with the methods and headers the API uses, never a reflection", async () => {
    const res = await SELF.fetch(`${BASE}/counter/x/increment`, {
      method: "OPTIONS",
      headers: {
        Origin: ALLOWED,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "X-Evil-Header",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
    expect(res.headers.get("Access-Control-Allow-Headers")).not.toContain("X-Evil-Header");
  });

  it("refuses a foreign preflight with 403 problem+json and no CORS headers", async () => {
    const res = await SELF.fetch(`${BASE}/counter/x/increment`, {
      method: "OPTIONS",
      headers: { Origin: EVIL, "Access-Control-Request-Method": "POST" },
    });
    await expectProblem(res, 403, "origin-not-allowed");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });

  it("refuses a foreign unsafe request before the handler runs: nothing changes", async () => {
    const res = await SELF.fetch(`${BASE}/counter/cors-evil/increment`, { method: "POST", headers: { Origin: EVIL } });
    await expectProblem(res, 403, "origin-not-allowed");
    expect((await (await SELF.fetch(`${BASE}/counter/cors-evil`)).json<{ value: number }>()).value).toBe(0);
  });

  it("serves a foreign safe request without CORS headers, so the browser cannot read it", async () => {
    const res = await SELF.fetch(`${BASE}/api/status`, { headers: { Origin: EVIL } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });

  it("treats same-origin requests as first-party", async () => {
    const res = await SELF.fetch(`${BASE}/counter/cors-same/increment`, {
      method: "POST",
      headers: await asWriter({ Origin: BASE }),
    });
    expect(res.status).toBe(200);
  });
});

describe("security headers", () => {
  it("sets nosniff, a deny-all CSP and no-referrer on API responses", async () => {
    const res = await SELF.fetch(`${BASE}/api/status`);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  });
});
