// The offline provider: honest, non-generative results computed locally, with no network and no model.
import type { AiProvider } from "./ai-provider";
import { extractiveSummary, hashedEmbedding, topKeywords } from "./text-statistics";

const NOTICE =
  "The offline provider cannot write free text: it has no model. Outpost answers offline by retrieval instead.";

/**
 * @example
 * const ai = createOfflineProvider();
 * await ai.summarize(text); // { summary: <the most central sentences>, keywords: [...], generative: false }
 */
export function createOfflineProvider(): AiProvider {
  return {
    name: "offline",
    generative: false,
    async *streamText(input) {
      for (const word of NOTICE.split(/(?<= )/)) {
        if (input.signal?.aborted) return;
        yield word;
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
      return [];
    },
    async embed(texts) {
      return texts.map((text) => hashedEmbedding(text));
    },
  };
}
