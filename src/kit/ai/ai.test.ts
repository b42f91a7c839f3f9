import { describe, expect, it } from "vitest";
import {
  AiProviderError,
  createAiProvider,
  createOfflineProvider,
  createOpenAiProvider,
  createWorkersAiProvider,
  extractiveSummary,
  hashedEmbedding,
  sseData,
  topKeywords,
} from ".";

const encoder = new TextEncoder();

/** A byte stream cut into pieces of `size` bytes (splitting lines and UTF-8 characters anywhere). */
function chopped(text: string, size: number, options: { failAfter?: number; hang?: boolean } = {}) {
  const bytes = encoder.encode(text);
  let offset = 0;
  let sent = 0;
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        controller.error(new Error("upstream reset"));
        return;
      }
      if (offset >= bytes.length) {
        if (options.hang) return new Promise<void>(() => {});
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
      sent++;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const sse = (events: string[]) => events.map((e) => `data: ${e}\r\n\r\n`).join("");
const deltas = ["Bonjour", " le ", "monde 🌍", " — 日本"];
const WORKERS_STREAM = sse([...deltas.map((response) => JSON.stringify({ response })), "[DONE]"]);

function workersAi(stream: () => ReadableStream<Uint8Array>, outputs: Record<string, unknown> = {}) {
  const calls: { model: string; inputs: unknown }[] = [];
  return {
    calls,
    async run(model: string, inputs: unknown) {
      calls.push({ model, inputs });
      if (model in outputs) {
        const output = outputs[model];
        if (output instanceof Error) throw output;
        return output;
      }
      return stream();
    },
  };
}

async function collect(iterable: AsyncIterable<string>) {
  const parts: string[] = [];
  for await (const part of iterable) parts.push(part);
  return parts;
}

describe("sseData", () => {
  it("reassembles events split at every byte, across CRLF and multi-byte characters", async () => {
    for (const size of [1, 2, 3, 7, 64]) {
      const { stream } = chopped(WORKERS_STREAM, size);
      const events = await collect(sseData(stream));
      expect(events.at(-1)).toBe("[DONE]");
      expect(events.slice(0, -1).map((e) => JSON.parse(e).response)).toEqual(deltas);
    }
  });
});

describe("Workers AI provider", () => {
  it("streams the model's deltas exactly", async () => {
    const ai = workersAi(() => chopped(WORKERS_STREAM, 3).stream);
    const provider = createWorkersAiProvider(ai);
    const parts = await collect(provider.streamText({ messages: [{ role: "user", content: "hi" }], maxTokens: 64 }));
    expect(parts).toEqual(deltas);
    expect(ai.calls[0]?.inputs).toMatchObject({ max_tokens: 64, stream: true });
  });

  it("never reports a truncated stream as complete", async () => {
    const truncated = sse(deltas.map((response) => JSON.stringify({ response })));
    const provider = createWorkersAiProvider(workersAi(() => chopped(truncated, 5).stream));
    await expect(collect(provider.streamText({ messages: [], maxTokens: 8 }))).rejects.toMatchObject({
      kind: "unavailable",
    });
  });

  it("yields the partial content, then fails, when the stream breaks mid-way", async () => {
    const provider = createWorkersAiProvider(workersAi(() => chopped(WORKERS_STREAM, 20, { failAfter: 2 }).stream));
    const parts: string[] = [];
    await expect(
      (async () => {
        for await (const part of provider.streamText({ messages: [], maxTokens: 8 })) parts.push(part);
      })(),
    ).rejects.toThrow();
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.join("")).not.toBe(deltas.join(""));
  });

  it("cancels the upstream when the caller aborts", async () => {
    const upstream = chopped(sse([JSON.stringify({ response: "first" })]), 1_000, { hang: true });
    const provider = createWorkersAiProvider(workersAi(() => upstream.stream));
    const controller = new AbortController();
    const parts: string[] = [];
    for await (const part of provider.streamText({ messages: [], maxTokens: 8, signal: controller.signal })) {
      parts.push(part);
      controller.abort();
    }
    expect(parts).toEqual(["first"]);
    expect(upstream.state.cancelled).toBe(true);
  });

  it("validates summaries, labels and embeddings, and maps failures to their kind", async () => {
    const good = createWorkersAiProvider(
      workersAi(() => chopped("", 1).stream, {
        "@cf/facebook/bart-large-cnn": { summary: " A short summary. " },
        "@cf/microsoft/resnet-50": [
          { label: "CAT", score: 0.2 },
          { label: "DOG", score: 0.7 },
        ],
        "@cf/baai/bge-base-en-v1.5": {
          shape: [2, 2],
          data: [
            [1, 0],
            [0, 1],
          ],
        },
      }),
    );
    expect(await good.summarize("The launch is on Tuesday. The launch list is ready.")).toMatchObject({
      summary: "A short summary.",
      generative: true,
      keywords: expect.arrayContaining(["launch"]),
    });
    expect(await good.labelImage(new Uint8Array([1, 2]))).toEqual([
      { label: "DOG", score: 0.7 },
      { label: "CAT", score: 0.2 },
    ]);
    expect(await good.embed(["a", "b"])).toEqual([
      [1, 0],
      [0, 1],
    ]);

    const bad = createWorkersAiProvider(
      workersAi(() => chopped("", 1).stream, {
        "@cf/facebook/bart-large-cnn": { text: "no summary field" },
        "@cf/microsoft/resnet-50": [{ label: "X", score: 7 }],
        "@cf/baai/bge-base-en-v1.5": { data: [[1, "x"]] },
      }),
    );
    await expect(bad.summarize("text")).rejects.toMatchObject({ kind: "invalid-output" });
    await expect(bad.labelImage(new Uint8Array(1))).rejects.toMatchObject({ kind: "invalid-output" });
    await expect(bad.embed(["a"])).rejects.toMatchObject({ kind: "invalid-output" });

    const down = createWorkersAiProvider(
      workersAi(() => chopped("", 1).stream, { "@cf/facebook/bart-large-cnn": new Error("3040: capacity") }),
    );
    const error = await down.summarize("text").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AiProviderError);
    expect(error).toMatchObject({ kind: "unavailable" });
  });
});

describe("OpenAI-compatible provider", () => {
  const KEY = "sk-test-secret-key-value";
  const openAiStream = sse([
    ...["Hel", "lo"].map((content) => JSON.stringify({ choices: [{ delta: { content } }] })),
    "[DONE]",
  ]);

  it("streams chat deltas and sends the key only as a bearer header", async () => {
    const seen: Request[] = [];
    const provider = createOpenAiProvider({
      baseUrl: "https://llm.example/v1/",
      model: "small",
      apiKey: KEY,
      fetch: async (input, init) => {
        seen.push(new Request(input, init));
        return new Response(chopped(openAiStream, 4).stream);
      },
    });
    expect(await collect(provider.streamText({ messages: [{ role: "user", content: "hi" }], maxTokens: 5 }))).toEqual([
      "Hel",
      "lo",
    ]);
    expect(seen[0]?.url).toBe("https://llm.example/v1/chat/completions");
    expect(seen[0]?.headers.get("Authorization")).toBe(`Bearer ${KEY}`);
  });

  it("keeps the key out of every error", async () => {
    const failing = createOpenAiProvider({
      baseUrl: "https://llm.example/v1",
      model: "small",
      apiKey: KEY,
      fetch: async () => new Response("nope", { status: 401 }),
    });
    const error = await failing.summarize("text").catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "unavailable" });
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(KEY);
    const throwing = createOpenAiProvider({
      baseUrl: "https://llm.example/v1",
      model: "small",
      apiKey: KEY,
      fetch: async () => {
        throw new Error(`connect failed for ${KEY}`);
      },
    });
    const thrown = await throwing.embed(["a"]).catch((e: unknown) => e);
    expect(JSON.stringify(thrown, Object.getOwnPropertyNames(thrown))).not.toContain(KEY);
    expect(String((thrown as Error).cause)).not.toContain(KEY);
    await expect(throwing.labelImage(new Uint8Array(1))).rejects.toMatchObject({ kind: "refused" });
  });
});

describe("offline provider", () => {
  const TEXT =
    "Outpost keeps the launch plan in one place. The launch is on Tuesday after the review. " +
    "Every team checks the launch list before Monday. Coffee is in the kitchen. " +
    "Dr. Smith, e.g. the reviewer, approves the launch at 3.5 p.m.";

  it("summarises extractively and says it is not generative", async () => {
    const provider = createOfflineProvider();
    const result = await provider.summarize(TEXT, { maxSentences: 2 });
    expect(result.generative).toBe(false);
    expect(provider.generative).toBe(false);
    expect(result.summary).not.toContain("Coffee");
    expect(result.summary.split(/(?<=\.)\s/).length).toBeGreaterThanOrEqual(2);
    expect(TEXT).toContain(result.summary.split(". ")[0] ?? "");
    expect(result.keywords[0]).toBe("launch");
    expect(extractiveSummary(TEXT, 10)).toContain("Dr. Smith, e.g. the reviewer, approves the launch at 3.5 p.m.");
  });

  it("ranks keywords by frequency, ties alphabetically, without stopwords", () => {
    expect(topKeywords("Zebra apple apple zebra the the the and mango", 3)).toEqual(["apple", "zebra", "mango"]);
  });

  it("embeds deterministically into unit vectors (lexical, not semantic)", async () => {
    const [a, b] = await createOfflineProvider().embed(["launch plan", "launch plan"]);
    expect(a).toEqual(b);
    expect(a?.length).toBe(256);
    const norm = Math.sqrt((a ?? []).reduce((s, x) => s + x * x, 0));
    expect(norm).toBeCloseTo(1, 10);
    expect(hashedEmbedding("")).toEqual(new Array(256).fill(0));
  });

  it("labels nothing and streams an honest notice", async () => {
    const provider = createOfflineProvider();
    expect(await provider.labelImage(new Uint8Array(4))).toEqual([]);
    expect((await collect(provider.streamText({ messages: [], maxTokens: 10 }))).join("")).toMatch(/offline provider/);
  });
});

describe("createAiProvider", () => {
  it("fails fast when the chosen provider is not configured", () => {
    expect(createAiProvider({ provider: "offline" }).name).toBe("offline");
    expect(() => createAiProvider({ provider: "workers-ai" })).toThrow(/AI binding/);
    expect(() => createAiProvider({ provider: "openai" })).toThrow(/OPENAI_BASE_URL/);
  });
});
