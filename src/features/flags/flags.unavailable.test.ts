// Flag reads through the Worker while KV CONFIG is unreadable: the documented defaults, never a 5xx.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BASE, type Client, COOKIE_NAME, freshIp, registerUser } from "../../../test/helpers";
import worker from "../../index";

/** KV CONFIG failing every call, as during a KV outage; the other bindings are the test env's. */
function configDown(): Env {
  const fail = () => Promise.reject(new Error("KV list failed: 503 Service Unavailable"));
  const CONFIG = { get: fail, getWithMetadata: fail, list: fail, put: fail, delete: fail } as unknown as KVNamespace;
  return { ...env, CONFIG };
}

async function fetchAs(
  client: Client | null,
  path: string,
  workerEnv: Env = configDown(),
  init: { method?: string; json?: unknown } = {},
) {
  vi.spyOn(console, "log").mockImplementation(() => {});
  const headers = new Headers({ "CF-Connecting-IP": client?.ip ?? freshIp() });
  if (client) headers.set("Cookie", `${COOKIE_NAME}=${client.token}`);
  if (client && init.method) headers.set("Origin", BASE);
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  const body = init.json === undefined ? undefined : JSON.stringify(init.json);
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}${path}`, { method: init.method, headers, body }), workerEnv, ctx);
  await waitOnExecutionContext(ctx);
  vi.restoreAllMocks();
  return res;
}

let admin: Client;
let member: Client;
beforeAll(async () => {
  admin = (await registerUser("flags-admin")).client;
  member = (await registerUser("flags-member")).client;
});
afterEach(() => vi.restoreAllMocks());

describe("flags while KV is unreadable", () => {
  it("answers one flag with its default and reason unavailable: assistant on, others off", async () => {
    const assistant = await fetchAs(member, "/api/features/assistant");
    expect(assistant.status).toBe(200);
    expect(await assistant.json()).toEqual({ name: "assistant", on: true, reason: "unavailable" });
    const other = await fetchAs(null, "/api/features/new-editor");
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual({ name: "new-editor", on: false, reason: "unavailable" });
  });

  it("answers the evaluated set with the defaults, marked unavailable, for members and admins", async () => {
    for (const client of [member, admin]) {
      const res = await fetchAs(client, "/api/features");
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ evaluated: { assistant: true }, unavailable: true });
    }
  });

  it("does not cache the defaults: once KV answers, the stored flags are back at once", async () => {
    const put = await admin.fetch("/api/features/before-outage", {
      method: "PUT",
      json: { enabled: true, rolloutPercentage: 100 },
    });
    expect(put.status).toBe(200);
    const { client } = await registerUser("flags-cache");
    expect(await (await fetchAs(client, "/api/features")).json()).toMatchObject({ unavailable: true });
    const res = await fetchAs(client, "/api/features", env);
    expect(res.status).toBe(200);
    const body = await res.json<{ evaluated: Record<string, boolean>; unavailable?: true }>();
    expect(body.evaluated["before-outage"]).toBe(true);
    expect(body.unavailable).toBeUndefined();
  });

  it("answers an admin's flag write, delete or preview with 503 flags-unavailable and Retry-After", async () => {
    const body = { enabled: true, rolloutPercentage: 10 };
    for (const [method, path, json] of [
      ["PUT", "/api/features/during-outage", body],
      ["POST", "/api/features/during-outage/preview", body],
      ["DELETE", "/api/features/during-outage", undefined],
    ] as const) {
      const res = await fetchAs(admin, path, configDown(), { method, json });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(res.headers.get("Retry-After")).toBe("5");
      expect(await res.json()).toMatchObject({ status: 503, code: "flags-unavailable" });
    }
  });
});
