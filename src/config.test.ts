import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ConfigError, getConfig } from "./config";

const valid = {
  ENVIRONMENT: "production",
  ALLOWED_ORIGINS: "https://app.example.com, https://admin.example.com",
  AI_PROVIDER: "workers-ai",
  SUBREQUEST_BUDGET: "50",
  MAX_BODY_BYTES: "65536",
};

describe("getConfig", () => {
  it("parses the wrangler.jsonc vars of the test environment", () => {
    const config = getConfig(env);
    expect(config.ENVIRONMENT).toBe("test");
    expect(config.AI_PROVIDER).toBe("offline");
    expect(config.SUBREQUEST_BUDGET).toBe(50);
  });

  it("splits and trims the origin allow-list", () => {
    expect(getConfig({ ...valid }).ALLOWED_ORIGINS).toEqual(["https://app.example.com", "https://admin.example.com"]);
    expect(getConfig({ ...valid, ALLOWED_ORIGINS: "" }).ALLOWED_ORIGINS).toEqual([]);
  });

  it("fails fast with every bad variable named", () => {
    const bad = {
      ...valid,
      ALLOWED_ORIGINS: "*",
      AI_PROVIDER: "gpt",
      SUBREQUEST_BUDGET: "950.5",
      MAX_BODY_BYTES: undefined,
    };
    expect(() => getConfig(bad)).toThrow(ConfigError);
    try {
      getConfig(bad);
    } catch (error) {
      const message = String(error);
      for (const name of ["ALLOWED_ORIGINS", "AI_PROVIDER", "SUBREQUEST_BUDGET", "MAX_BODY_BYTES"]) {
        expect(message).toContain(name);
      }
    }
  });

  it("refuses origins with a path, and wildcards", () => {
    expect(() => getConfig({ ...valid, ALLOWED_ORIGINS: "https://app.example.com/path" })).toThrow(/bare origin/);
    expect(() => getConfig({ ...valid, ALLOWED_ORIGINS: "https://*.example.com" })).toThrow(ConfigError);
  });

  it("reads the OpenAI-compatible endpoint from the schema, with its model defaulted, and names a bad URL", () => {
    const openai = getConfig({
      ...valid,
      AI_PROVIDER: "openai",
      OPENAI_BASE_URL: "https://llm.example.com/v1",
      OPENAI_API_KEY: "k",
    });
    expect(openai).toMatchObject({ OPENAI_BASE_URL: "https://llm.example.com/v1", OPENAI_MODEL: "gpt-4o-mini" });
    expect(() => getConfig({ ...valid, OPENAI_BASE_URL: "ftp://llm.example.com" })).toThrow(/OPENAI_BASE_URL/);
    expect(() => getConfig({ ...valid, OPENAI_MODEL: "" })).toThrow(/OPENAI_MODEL/);
  });
});
