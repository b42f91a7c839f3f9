import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { EXPECTED_MIGRATIONS } from "./migrations";

describe("GET /api/status", () => {
  it("reports version, environment, bindings, AI provider, the unfurl service and migration state", async () => {
    const res = await SELF.fetch("http://outpost.test/api/status");
    expect(res.status).toBe(200);
    const body = await res.json<{
      name: string;
      environment: string;
      bindings: Record<string, boolean>;
      services: { unfurl: string };
      migrations: { state: string };
    }>();
    expect(body.name).toBe("outpost");
    expect(body.environment).toBe("test");
    expect(body.bindings.DB).toBe(true);
    expect(body.services.unfurl).toBe("ok");
    expect(body.migrations.state).toBe("current");
  });

  it("lists exactly the migrations in migrations/", () => {
    expect(env.TEST_MIGRATIONS.map((m) => m.name)).toEqual(EXPECTED_MIGRATIONS);
  });
});
