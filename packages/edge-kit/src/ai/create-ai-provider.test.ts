import { describe, expect, it } from "vitest";
import { createAiDouble } from "../testing/ai-double";
import { createAiProvider } from ".";

describe("createAiProvider", () => {
  it("builds the chosen provider", async () => {
    expect(createAiProvider({ provider: "offline" })).toMatchObject({ name: "offline", generative: false });
    const ai = createAiDouble();
    const workers = createAiProvider({ provider: "workers-ai", ai, workersAiModels: { embedding: "@cf/x/embed" } });
    expect(workers).toMatchObject({ name: "workers-ai", generative: true });
    await workers.embed(["a"]);
    expect(ai.calls[0]?.model).toBe("@cf/x/embed");
    const openai = createAiProvider({
      provider: "openai",
      openai: { baseUrl: "https://llm.example/v1", model: "small", apiKey: "k" },
    });
    expect(openai).toMatchObject({ name: "openai", generative: true });
  });

  it("fails fast, naming what is missing", () => {
    expect(() => createAiProvider({ provider: "workers-ai" })).toThrow(
      "AI_PROVIDER is workers-ai but the AI binding is missing",
    );
    expect(() => createAiProvider({ provider: "openai" })).toThrow(
      "AI_PROVIDER is openai but OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL are not set",
    );
    expect(() =>
      createAiProvider({
        provider: "openai",
        openai: { baseUrl: "https://llm.example/v1", model: "small", apiKey: "" },
      }),
    ).toThrow("AI_PROVIDER is openai but OPENAI_API_KEY is not set");
  });
});
