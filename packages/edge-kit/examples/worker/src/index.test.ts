// What a client of the example Worker sees on each route, through its real fetch handler inside workerd.
import { env, exports } from "cloudflare:workers";
import { FlagStore } from "@outpost/edge-kit/flags";
import { describe, expect, it } from "vitest";
import { LIMIT_POLICY, STREAM_STEPS } from "./index";

/** A request to the Worker under test; keys are unique per run so no test sees another's state. */
function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(new Request(`https://example.test${path}`, { headers }));
}

/** The events of an SSE body, in order. */
function parseEvents(body: string): { id: string; event: string; data: unknown }[] {
  return body
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      const fields: Partial<Record<"id" | "event" | "data", string>> = Object.fromEntries(
        block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
      );
      return { id: fields.id ?? "", event: fields.event ?? "", data: JSON.parse(fields.data ?? "null") };
    });
}

describe("GET /limited", () => {
  it("allows the burst, then answers 429 with Retry-After", async () => {
    const client = { "CF-Connecting-IP": crypto.randomUUID() };
    for (let i = 1; i <= LIMIT_POLICY.limit; i++) {
      const response = await get("/limited", client);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true, remaining: LIMIT_POLICY.limit - i });
    }
    const refused = await get("/limited", client);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Content-Type")).toBe("application/problem+json");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    // One token comes back every periodMs / limit = 20 s.
    expect(retryAfter).toBeGreaterThanOrEqual(19);
    expect(retryAfter).toBeLessThanOrEqual(LIMIT_POLICY.periodMs / LIMIT_POLICY.limit / 1000);
    expect(await refused.json()).toMatchObject({ status: 429, code: "rate-limited" });
  });

  it("keeps a separate bucket per client", async () => {
    const first = { "CF-Connecting-IP": crypto.randomUUID() };
    for (let i = 0; i <= LIMIT_POLICY.limit; i++) await get("/limited", first);
    expect((await get("/limited", first)).status).toBe(429);
    expect((await get("/limited", { "CF-Connecting-IP": crypto.randomUUID() })).status).toBe(200);
  });
});

describe("GET /stream", () => {
  it("sends the progress events in order, then one done event, then ends", async () => {
    const response = await get("/stream");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const events = parseEvents(await response.text());
    expect(events).toEqual([
      ...STREAM_STEPS.map((step, index) => ({ id: String(index + 1), event: "progress", data: { step, index } })),
      { id: String(STREAM_STEPS.length + 1), event: "done", data: { steps: STREAM_STEPS.length } },
    ]);
  });
});

describe("GET /cached/:key", () => {
  it("loads on a miss, then serves the stored value on a hit", async () => {
    const key = `k-${crypto.randomUUID()}`;
    const first = await get(`/cached/${key}`);
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("miss");
    const loaded = await first.json();
    expect(loaded).toMatchObject({ key, text: `Hello, ${key}!` });

    const second = await get(`/cached/${key}`);
    expect(second.headers.get("X-Cache")).toBe("hit");
    // The same value, loadedAt included: the loader did not run again.
    expect(await second.json()).toEqual(loaded);
  });

  it("caches a not-found answer too", async () => {
    const key = `missing-${crypto.randomUUID()}`;
    const first = await get(`/cached/${key}`);
    expect([first.status, first.headers.get("X-Cache")]).toEqual([404, "miss"]);
    const second = await get(`/cached/${key}`);
    expect([second.status, second.headers.get("X-Cache")]).toEqual([404, "negative-hit"]);
  });
});

describe("GET /flag/:name", () => {
  const flags = new FlagStore(env.CONFIG);

  it("is on for a user on the allow-list and off for everyone else at 0 %", async () => {
    const name = `beta-${crypto.randomUUID()}`;
    const stored = await flags.put(name, { enabled: true, rolloutPercentage: 0, allowList: ["alice"] }, "admin");
    expect(stored.ok).toBe(true);

    expect(await (await get(`/flag/${name}?user=alice`)).json()).toMatchObject({
      user: "alice",
      on: true,
      reason: "allow-list",
    });
    expect(await (await get(`/flag/${name}?user=bob`)).json()).toMatchObject({
      user: "bob",
      on: false,
      reason: "outside-rollout",
    });
    expect(await (await get(`/flag/${name}`)).json()).toMatchObject({ user: null, on: false, reason: "anonymous" });
  });

  it("is on for everyone at 100 %, and off for everyone with the kill switch", async () => {
    const everyone = `all-${crypto.randomUUID()}`;
    await flags.put(everyone, { enabled: true, rolloutPercentage: 100 }, "admin");
    expect(await (await get(`/flag/${everyone}?user=bob`)).json()).toMatchObject({ on: true, reason: "rollout" });

    const killed = `killed-${crypto.randomUUID()}`;
    await flags.put(killed, { enabled: true, rolloutPercentage: 100, allowList: ["alice"], killSwitch: true }, "admin");
    expect(await (await get(`/flag/${killed}?user=alice`)).json()).toMatchObject({ on: false, reason: "kill-switch" });
  });

  it("is off for a flag that does not exist", async () => {
    expect(await (await get(`/flag/nothing-${crypto.randomUUID()}?user=alice`)).json()).toMatchObject({
      on: false,
      exists: false,
    });
  });
});
