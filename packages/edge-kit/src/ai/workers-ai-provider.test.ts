import { describe, expect, it } from "vitest";
import { type AiDouble, createAiDouble, DEFAULT_DELTAS, drain } from "../testing/ai-double";
import {
  type AiBinding,
  AiProviderError,
  type ChatMessage,
  createWorkersAiProvider,
  DEFAULT_WORKERS_AI_MODELS,
  SUMMARY_INPUT_CHARS,
  topKeywords,
} from ".";

const messages: ChatMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Say hello." },
];

/** The same double, minus the signal: a binding that cannot abort, so only cancelling the reader stops it. */
const withoutSignal = (ai: AiDouble): AiBinding => ({ run: (model, inputs) => ai.run(model, inputs) });

describe("Workers AI provider: streamText", () => {
  it("streams the model's deltas exactly, however the bytes were cut (LF, CRLF, a final usage event)", async () => {
    for (const script of [
      {},
      { chunkSizes: [1] },
      { chunkSizes: [2, 3], lineEnding: "\r\n" as const },
      { chunkSizes: [64], usage: true },
      { deltas: ["é", "🌍", "日本", "\u200d"], chunkSizes: [1, 2], lineEnding: "\r\n" as const, usage: true },
    ]) {
      const ai = createAiDouble(script);
      const { parts, error } = await drain(createWorkersAiProvider(ai).streamText({ messages, maxTokens: 64 }));
      expect(error).toBeUndefined();
      expect(parts).toEqual(ai.script.deltas);
      expect(ai.calls).toEqual([
        { model: DEFAULT_WORKERS_AI_MODELS.text, inputs: { messages, max_tokens: 64, stream: true } },
      ]);
    }
  });

  it("never reports a stream that ends without [DONE] as complete", async () => {
    const ai = createAiDouble({ text: "truncate" });
    const { parts, error } = await drain(createWorkersAiProvider(ai).streamText({ messages, maxTokens: 8 }));
    expect(parts).toEqual(DEFAULT_DELTAS);
    expect(error).toBeInstanceOf(AiProviderError);
    expect(error).toMatchObject({ kind: "unavailable", message: "the model's stream ended early" });
  });

  it("yields the partial content, then throws, when the stream breaks mid-way", async () => {
    const ai = createAiDouble({ text: "break", failAfterChunks: 8, chunkSizes: [5] });
    const { parts, error } = await drain(createWorkersAiProvider(ai).streamText({ messages, maxTokens: 8 }));
    expect(parts.length).toBeGreaterThan(0);
    expect(parts.length).toBeLessThan(DEFAULT_DELTAS.length);
    expect(parts).toEqual(DEFAULT_DELTAS.slice(0, parts.length));
    expect(error).toMatchObject({ kind: "unavailable", message: "the model's stream broke off" });
    expect((error as Error).cause).toMatchObject({ message: "network connection lost" });
  });

  it("maps a binding that throws before streaming to unavailable, keeping the cause", async () => {
    const ai = createAiDouble({ text: "throw" });
    const { parts, error } = await drain(createWorkersAiProvider(ai).streamText({ messages, maxTokens: 8 }));
    expect(parts).toEqual([]);
    expect(error).toMatchObject({ kind: "unavailable" });
    expect(String((error as Error).cause)).toContain("3040");
  });

  it("rejects a malformed event or an answer that is not a stream as invalid output", async () => {
    const malformed = createWorkersAiProvider(createAiDouble({ text: "malformed" }));
    const { parts, error } = await drain(malformed.streamText({ messages, maxTokens: 8 }));
    expect(parts).toEqual(DEFAULT_DELTAS.slice(0, 1));
    expect(error).toMatchObject({ kind: "invalid-output" });
    const notAStream = createWorkersAiProvider({ run: async () => ({ response: "whole answer" }) });
    expect((await drain(notAStream.streamText({ messages, maxTokens: 8 }))).error).toMatchObject({
      kind: "invalid-output",
    });
  });

  it("on abort, cancels the reader and stops, even when the binding ignores the signal", async () => {
    const ai = createAiDouble({ text: "hang" });
    const controller = new AbortController();
    const parts: string[] = [];
    const provider = createWorkersAiProvider(withoutSignal(ai));
    for await (const part of provider.streamText({ messages, maxTokens: 8, signal: controller.signal })) {
      parts.push(part);
      if (parts.length === 2) controller.abort();
    }
    expect(parts).toEqual(DEFAULT_DELTAS.slice(0, 2));
    expect(ai.streams[0]).toMatchObject({ cancelled: true, closed: false });
  });

  it("stops while waiting on a model that hangs, and passes the signal to the binding", async () => {
    const ai = createAiDouble({ text: "hang" });
    const { parts, error } = await drain(
      createWorkersAiProvider(ai).streamText({ messages, maxTokens: 8, signal: AbortSignal.timeout(50) }),
    );
    expect(parts).toEqual(DEFAULT_DELTAS);
    expect(error).toBeUndefined();
    expect(ai.calls[0]?.options).toMatchObject({ signal: expect.any(AbortSignal) });
    const stream = ai.streams[0];
    expect(stream?.aborted || stream?.cancelled).toBe(true);

    const hung = createAiDouble({ text: "hang" });
    const blind = await drain(
      createWorkersAiProvider(withoutSignal(hung)).streamText({
        messages,
        maxTokens: 8,
        signal: AbortSignal.timeout(50),
      }),
    );
    expect(blind).toEqual({ parts: DEFAULT_DELTAS, error: undefined });
    expect(hung.streams[0]?.cancelled).toBe(true);
  });

  it("does not call the model when the signal has already aborted", async () => {
    const ai = createAiDouble();
    const { parts } = await drain(
      createWorkersAiProvider(ai).streamText({ messages, maxTokens: 8, signal: AbortSignal.abort() }),
    );
    expect(parts).toEqual([]);
    expect(ai.calls).toEqual([]);
  });
});

describe("Workers AI provider: summarize, labelImage, embed", () => {
  const text = "The launch review is on Tuesday. The launch checklist is ready. Coffee is in the kitchen.";

  it("summarises with the summary model and extracts keywords from the text it sent", async () => {
    const ai = createAiDouble({ summaryText: "  The launch is on Tuesday.  " });
    const result = await createWorkersAiProvider(ai).summarize(text);
    expect(result).toEqual({ summary: "The launch is on Tuesday.", keywords: topKeywords(text, 8), generative: true });
    expect(ai.calls).toEqual([{ model: "@cf/facebook/bart-large-cnn", inputs: { input_text: text, max_length: 256 } }]);
  });

  it("sends at most the documented number of characters", async () => {
    const ai = createAiDouble();
    const long = `${"word ".repeat(SUMMARY_INPUT_CHARS / 5)}tail-only-term`;
    const result = await createWorkersAiProvider(ai).summarize(long);
    const sent = ai.calls[0]?.inputs as { input_text: string };
    expect(sent.input_text).toHaveLength(SUMMARY_INPUT_CHARS);
    expect(result.keywords).not.toContain("tail-only-term");
  });

  it("keeps the 5 best labels, best first, and sends the bytes as numbers", async () => {
    const ai = createAiDouble();
    const labels = await createWorkersAiProvider(ai).labelImage(new Uint8Array([137, 80, 78, 71]));
    expect(labels).toEqual([
      { label: "TABBY", score: 0.62 },
      { label: "TIGER CAT", score: 0.21 },
      { label: "EGYPTIAN CAT", score: 0.09 },
      { label: "PERSIAN CAT", score: 0.03 },
      { label: "LYNX", score: 0.01 },
    ]);
    expect(ai.calls[0]).toEqual({ model: "@cf/microsoft/resnet-50", inputs: { image: [137, 80, 78, 71] } });
  });

  it("returns one vector per input", async () => {
    const ai = createAiDouble({ dimensions: 8 });
    const vectors = await createWorkersAiProvider(ai).embed(["alpha", "beta"]);
    expect(vectors).toHaveLength(2);
    expect(vectors.every((vector) => vector.length === 8)).toBe(true);
    expect(ai.calls[0]).toEqual({ model: "@cf/baai/bge-base-en-v1.5", inputs: { text: ["alpha", "beta"] } });
    expect(await createWorkersAiProvider(ai).embed([])).toEqual([]);
    expect(ai.calls).toHaveLength(1);
  });

  it("reports invalid answers as invalid-output and binding failures as unavailable", async () => {
    const bad = createWorkersAiProvider(createAiDouble({ summary: "invalid", image: "invalid", embedding: "invalid" }));
    await expect(bad.summarize(text)).rejects.toMatchObject({ kind: "invalid-output" });
    await expect(bad.labelImage(new Uint8Array(4))).rejects.toMatchObject({ kind: "invalid-output" });
    await expect(bad.embed(["a", "b"])).rejects.toMatchObject({ kind: "invalid-output" });

    const down = createWorkersAiProvider(createAiDouble({ summary: "throw", image: "throw", embedding: "throw" }));
    for (const call of [
      () => down.summarize(text),
      () => down.labelImage(new Uint8Array(4)),
      () => down.embed(["a"]),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AiProviderError);
      expect(error).toMatchObject({ kind: "unavailable" });
    }
  });

  it("validates shapes strictly: scores in [0, 1], one finite vector per input of one dimension", async () => {
    const answering = (output: unknown) => createWorkersAiProvider({ run: async () => output });
    for (const output of [{}, [{ label: "X", score: Number.NaN }], [{ label: "", score: 0.5 }], [{ label: "X" }]]) {
      await expect(answering(output).labelImage(new Uint8Array(1))).rejects.toMatchObject({ kind: "invalid-output" });
    }
    for (const data of [
      [[1, 2]],
      [[1, 2], [3]],
      [
        [1, 2],
        [3, Number.POSITIVE_INFINITY],
      ],
      [[], []],
      "x",
    ]) {
      await expect(answering({ shape: [2, 2], data }).embed(["a", "b"])).rejects.toMatchObject({
        kind: "invalid-output",
      });
    }
    await expect(answering({ summary: "   " }).summarize(text)).rejects.toMatchObject({ kind: "invalid-output" });
    expect(await answering([]).labelImage(new Uint8Array(1))).toEqual([]);
  });

  it("uses the models it is given", async () => {
    const ai = createAiDouble();
    const provider = createWorkersAiProvider(ai, { text: "@cf/other/chat", embedding: "@cf/other/embed" });
    await drain(provider.streamText({ messages, maxTokens: 8 }));
    await provider.embed(["a"]);
    await provider.summarize(text);
    expect(ai.calls.map((call) => call.model)).toEqual([
      "@cf/other/chat",
      "@cf/other/embed",
      "@cf/facebook/bart-large-cnn",
    ]);
  });
});
