import { createExecutionContext, env, runInDurableObject, SELF, waitOnExecutionContext } from "cloudflare:test";
import { PROBLEM_CONTENT_TYPE } from "@outpost/edge-kit/errors";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, type Client, COOKIE_NAME, call, freshIp, login, PASSWORD, registerUser } from "../../../test/helpers";
import worker from "../../index";
import type { Counter } from "./counter";

async function value(name: string, prefix = "/counter"): Promise<number> {
  const res = await SELF.fetch(`${BASE}${prefix}/${name}`);
  expect(res.status).toBe(200);
  return (await res.json<{ value: number }>()).value;
}

/**
 * Signed-in writers, taking turns: this file sends about 2 000 writes, and each user's writes count against
 * that user's `api` allowance (600 a minute).
 */
let writers: Client[] = [];
beforeAll(async () => {
  writers = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await registerUser(`writer${i}`)).client));
});
let turn = 0;
function post(path: string, init: RequestInit = {}, client = writers[turn++ % writers.length]) {
  if (!client) throw new Error("no writer signed in");
  return client.fetch(path, { method: "POST", ...init });
}

describe("counter writes need a session", () => {
  it("answers an anonymous increment, decrement or reset with 401 problem+json and changes nothing", async () => {
    await post("/counter/guarded/increment?amount=3");
    for (const prefix of ["/counter", "/api/counters"]) {
      for (const action of ["increment", "decrement", "reset"]) {
        const res = await SELF.fetch(`${BASE}${prefix}/guarded/${action}`, { method: "POST" });
        expect(res.status, `${prefix} ${action}`).toBe(401);
        expect(res.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
        expect(await res.json()).toMatchObject({ status: 401, code: "unauthenticated" });
      }
    }
    expect(await value("guarded")).toBe(3);
  });

  it("refuses a cookie write from a foreign origin (CSRF) with 403, and takes a bearer write", async () => {
    const { email, client } = await registerUser("csrf");
    const foreign = await client.fetch("/counter/csrf/increment", {
      method: "POST",
      headers: { Origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: "origin-not-allowed" });
    // The cookie with no Origin at all (a cross-site form post from an old browser): the CSRF check refuses it.
    const noOrigin = await call("/counter/csrf/increment", {
      method: "POST",
      ip: client.ip,
      headers: { Cookie: `${COOKIE_NAME}=${client.token}` },
    });
    expect(noOrigin.status).toBe(403);
    expect(await noOrigin.json()).toMatchObject({ code: "csrf-rejected" });
    expect(await value("csrf")).toBe(0);
    const bearer = (await login(email, PASSWORD, "bearer")).client;
    expect((await bearer.fetch("/counter/csrf/increment", { method: "POST" })).status).toBe(200);
    expect(await value("csrf")).toBe(1);
  });

  it("counts writes against the writer's rate limit: 429 with Retry-After past it", async () => {
    const { client } = await registerUser("limited");
    const limited = { ...env, RATE_LIMITS: JSON.stringify({ api: { limit: 3, periodSeconds: 3600 } }) } as Env;
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const headers = new Headers({ Cookie: `__Host-outpost_session=${client.token}`, Origin: BASE });
      headers.set("CF-Connecting-IP", freshIp()); // a new address each time: the limit follows the user
      const ctx = createExecutionContext();
      last = await worker.fetch(
        new Request(`${BASE}/counter/limited/increment`, { method: "POST", headers }),
        limited,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.headers.get("Retry-After")).not.toBeNull();
    expect(await value("limited")).toBe(3);
  });
});

describe("when the Counter object fails", () => {
  it("answers reads and writes with 503 problem+json and Retry-After, never a 500 or the cause", async () => {
    const COUNTER = {
      idFromName: () => {
        throw new Error("Durable Object storage SQLITE_BUSY: internal detail");
      },
    };
    const broken = { ...env, COUNTER } as unknown as Env;
    const writer = writers[0];
    if (!writer) throw new Error("no writer signed in");
    const requests = [
      new Request(`${BASE}/counter/down`, { headers: { "CF-Connecting-IP": freshIp() } }),
      new Request(`${BASE}/api/counters/down/increment`, {
        method: "POST",
        headers: { Cookie: `${COOKIE_NAME}=${writer.token}`, Origin: BASE, "CF-Connecting-IP": writer.ip },
      }),
    ];
    for (const request of requests) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(request, broken, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, request.url).toBe(503);
      expect(res.headers.get("Content-Type")).toBe(PROBLEM_CONTENT_TYPE);
      expect(res.headers.get("Retry-After")).toBe("5");
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ status: 503, code: "counter-unavailable" });
      expect(text).not.toContain("SQLITE_BUSY");
    }
  });
});

describe("counter routes", () => {
  it("starts at 0, increments, decrements and resets", async () => {
    expect(await value("basic")).toBe(0);
    expect(await (await post("/counter/basic/increment")).json()).toEqual({ name: "basic", value: 1 });
    expect(await (await post("/counter/basic/increment?amount=41")).json()).toEqual({ name: "basic", value: 42 });
    expect(await (await post("/counter/basic/decrement?amount=2")).json()).toEqual({ name: "basic", value: 40 });
    expect(await (await post("/counter/basic/reset")).json()).toEqual({ name: "basic", value: 0 });
  });

  it("accepts the amount as a JSON body too, and refuses it given twice", async () => {
    const json = { "Content-Type": "application/json" };
    expect(
      await (await post("/counter/body/increment", { headers: json, body: JSON.stringify({ amount: 7 }) })).json(),
    ).toEqual({ name: "body", value: 7 });
    const both = await post("/counter/body/increment?amount=1", { headers: json, body: JSON.stringify({ amount: 2 }) });
    expect(both.status).toBe(400);
    expect(await value("body")).toBe(7);
  });

  it("serves the same counters under /api/counters for the UI", async () => {
    await post("/api/counters/shared/increment?amount=3");
    expect(await value("shared", "/api/counters")).toBe(3);
    expect(await value("shared")).toBe(3);
  });

  it("refuses invalid amounts with 400 and leaves the value unchanged", async () => {
    await post("/counter/strict/increment?amount=5");
    for (const amount of [
      "abc",
      "1e20",
      "-5",
      "0",
      "1.5",
      "1001",
      "0x10",
      "",
      " 1",
      "NaN",
      "Infinity",
      "9007199254740993",
    ]) {
      const res = await post(`/counter/strict/increment?amount=${encodeURIComponent(amount)}`);
      expect(res.status, `amount=${amount}`).toBe(400);
    }
    const dup = await post("/counter/strict/increment?amount=1&amount=2");
    expect(dup.status).toBe(400);
    expect(await value("strict")).toBe(5);
  });

  it("refuses invalid counter names and actions", async () => {
    expect((await SELF.fetch(`${BASE}/counter/${"x".repeat(65)}`)).status).toBe(400);
    expect((await SELF.fetch(`${BASE}/counter/bad%20name`)).status).toBe(400);
    expect((await post("/counter/ok/multiply")).status).toBe(400);
  });

  // Each write is signed in and rate limited (a session read and a limiter call): slower than the reads.
  it("loses no increment under 1 000 concurrent requests", { timeout: 90_000 }, async () => {
    const results = await Promise.all(Array.from({ length: 1_000 }, () => post("/counter/concurrent/increment")));
    expect(results.every((res) => res.status === 200)).toBe(true);
    expect(await value("concurrent")).toBe(1_000);
    const returned = await Promise.all(results.map((res) => res.json<{ value: number }>()));
    // Every response saw a distinct intermediate value: the increments were serialised.
    expect(new Set(returned.map((r) => r.value)).size).toBe(1_000);
  });

  it("never answers 5xx or stores a non-integer, whatever the amount (1 000 fuzzed requests)", {
    timeout: 90_000,
  }, async () => {
    const stub = env.COUNTER.get(env.COUNTER.idFromName("fuzz"));
    let expected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 24 }),
          fc.integer({ min: -2_000, max: 2_000 }).map(String),
          fc.double().map(String),
          fc.constantFrom("NaN", "-0", "Infinity", "9007199254740993", "1e3", "１"),
        ),
        async (amount) => {
          const res = await post(`/counter/fuzz/increment?amount=${encodeURIComponent(amount)}`);
          expect(res.status).toBeLessThan(500);
          if (res.status === 200) expected += Number(amount);
          else expect(res.status).toBe(400);
        },
      ),
      { seed: 424242, numRuns: 1_000 },
    );
    const stored = await stub.get();
    expect(Number.isSafeInteger(stored)).toBe(true);
    expect(stored).toBe(expected);
  });
});

describe("Counter Durable Object", () => {
  it("keeps its value in SQLite", async () => {
    const stub = env.COUNTER.get(env.COUNTER.idFromName("sqlite"));
    await stub.increment(12);
    const rows = await runInDurableObject(stub, (_instance: Counter, state) =>
      state.storage.sql.exec<{ value: number }>("SELECT value FROM counter").toArray(),
    );
    expect(rows).toEqual([{ value: 12 }]);
  });

  it("refuses out-of-range steps at the RPC boundary too", async () => {
    const stub = env.COUNTER.get(env.COUNTER.idFromName("rpc-guard"));
    for (const bad of [0, -1, 1.5, Number.NaN, 1_001, Number.POSITIVE_INFINITY]) {
      expect(await stub.increment(bad)).toEqual({ ok: false, reason: "invalid-step", value: 0 });
      expect(await stub.decrement(bad)).toEqual({ ok: false, reason: "invalid-step", value: 0 });
    }
    expect(await stub.get()).toBe(0);
  });

  it("refuses to leave the exact-integer range, answering 409 through the route", async () => {
    const stub = env.COUNTER.get(env.COUNTER.idFromName("edge"));
    await runInDurableObject(stub, (_instance: Counter, state) => {
      state.storage.sql.exec(
        "INSERT INTO counter (id, value) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value",
        Number.MAX_SAFE_INTEGER - 1,
      );
    });
    const res = await post("/counter/edge/increment?amount=5");
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: "counter-overflow" });
    expect(await stub.get()).toBe(Number.MAX_SAFE_INTEGER - 1);
  });
});
