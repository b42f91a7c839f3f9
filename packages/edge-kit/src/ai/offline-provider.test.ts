import { describe, expect, it } from "vitest";
import { drain } from "../testing/ai-double";
import { createOfflineProvider, HASHED_EMBEDDING_DIMENSIONS, hashedEmbedding, OFFLINE_NOTICE_CHUNKS } from ".";

const NOTES =
  "Outpost keeps the launch plan in one place. The launch is on Tuesday after the review. " +
  "Every team checks the launch list before Monday. Coffee is in the kitchen. " +
  "Dr. Smith, e.g. the reviewer, approves the launch plan at 3.5 p.m. on Tuesday.";

describe("offline provider", () => {
  it("says it is not generative and summarises extractively", async () => {
    const provider = createOfflineProvider();
    expect(provider).toMatchObject({ name: "offline", generative: false });
    expect(await provider.summarize(NOTES)).toEqual({
      summary:
        "Outpost keeps the launch plan in one place. The launch is on Tuesday after the review. " +
        "Dr. Smith, e.g. the reviewer, approves the launch plan at 3.5 p.m. on Tuesday.",
      keywords: ["launch", "plan", "tuesday", "approves", "checks", "coffee", "keeps", "kitchen"],
      generative: false,
    });
    expect((await provider.summarize(NOTES, { maxSentences: 1 })).summary).toBe(
      "Dr. Smith, e.g. the reviewer, approves the launch plan at 3.5 p.m. on Tuesday.",
    );
  });

  it("embeds each text as a deterministic, unit-length lexical vector", async () => {
    const vectors = await createOfflineProvider().embed(["launch plan", "Launch PLAN!", "coffee"]);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toEqual(vectors[1]);
    expect(vectors[0]).toEqual(hashedEmbedding("launch plan"));
    expect(vectors[2]).not.toEqual(vectors[0]);
    for (const vector of vectors) {
      expect(vector).toHaveLength(HASHED_EMBEDDING_DIMENSIONS);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 12);
    }
    expect(await createOfflineProvider().embed([])).toEqual([]);
  });

  it("labels nothing, and streams an honest notice in a few chunks that stops on abort", async () => {
    const provider = createOfflineProvider();
    expect(await provider.labelImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toEqual([]);
    const { parts, error } = await drain(provider.streamText({ messages: [], maxTokens: 10 }));
    expect(error).toBeUndefined();
    expect(parts).toEqual(OFFLINE_NOTICE_CHUNKS);
    expect(parts.join("")).toMatch(/^The offline provider cannot write free text: it has no model/);
    const controller = new AbortController();
    const stopped: string[] = [];
    for await (const part of provider.streamText({ messages: [], maxTokens: 10, signal: controller.signal })) {
      stopped.push(part);
      controller.abort();
    }
    expect(stopped).toEqual(OFFLINE_NOTICE_CHUNKS.slice(0, 1));
  });
});
