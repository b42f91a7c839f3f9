// The offline provider: honest, non-generative results computed locally, with no network and no model.
import type { AiProvider } from "./ai-provider";
import { extractiveSummary, hashedEmbedding, topKeywords } from "./text-statistics";

/** What `streamText` says, in these chunks: it has no model, so it writes nothing of its own. */
export const OFFLINE_NOTICE_CHUNKS: readonly string[] = [
  "The offline provider cannot write free text: ",
  "it has no model and makes no network calls. ",
  "Answers made offline are built by retrieval, ",
  "quoting and citing the sources they come from.",
];

/**
 * Works with no network: `summarize` is extractive (the most central sentences and the most frequent terms,
 * `generative: false`), `embed` is a lexical hashed embedding (256 dimensions, not semantic), `labelImage`
 * returns `[]`, and `streamText` streams a fixed notice that it cannot generate text.
 *
 * @example
 * const ai = createOfflineProvider();
 * await ai.summarize(text); // { summary: <the most central sentences>, keywords: [...], generative: false }
 */
export function createOfflineProvider(): AiProvider {
  return {
    name: "offline",
    generative: false,
    async *streamText(input) {
      for (const chunk of OFFLINE_NOTICE_CHUNKS) {
        if (input.signal?.aborted) return;
        yield chunk;
      }
    },
    async summarize(text, options = {}) {
      return {
        summary: extractiveSummary(text, options.maxSentences ?? 3),
        keywords: topKeywords(text, 8),
        generative: false,
      };
    },
    async labelImage() {
      // No image model offline; callers read format and dimensions from the header bytes themselves.
      return [];
    },
    async embed(texts) {
      return texts.map((text) => hashedEmbedding(text));
    },
  };
}
