// Workers AI through the AI binding: streamed chat, summarisation, image labels and embeddings, all validated.
import { type AiBinding, type AiProvider, AiProviderError, type ImageLabel } from "./ai-provider";
import { sseDeltas } from "./sse-data";
import { topKeywords } from "./text-statistics";

export interface WorkersAiModels {
  text: string;
  summary: string;
  image: string;
  embedding: string;
}

export const DEFAULT_WORKERS_AI_MODELS: WorkersAiModels = {
  text: "@cf/meta/llama-3.1-8b-instruct",
  summary: "@cf/facebook/bart-large-cnn",
  image: "@cf/microsoft/resnet-50",
  embedding: "@cf/baai/bge-base-en-v1.5",
};

/** The summarisation model reads at most this much text. */
export const SUMMARY_INPUT_CHARS = 12_000;

async function call(ai: AiBinding, model: string, inputs: unknown, options?: unknown): Promise<unknown> {
  try {
    return await ai.run(model, inputs, options);
  } catch (error) {
    throw new AiProviderError(`${model} failed`, "unavailable", { cause: error });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * @example
 * const ai = createWorkersAiProvider(env.AI);
 * for await (const delta of ai.streamText({ messages, maxTokens: 512, signal })) write(delta);
 */
export function createWorkersAiProvider(ai: AiBinding, models: Partial<WorkersAiModels> = {}): AiProvider {
  const model = { ...DEFAULT_WORKERS_AI_MODELS, ...models };
  return {
    name: "workers-ai",
    generative: true,
    async *streamText(input) {
      const stream = await call(ai, model.text, {
        messages: input.messages,
        max_tokens: input.maxTokens,
        stream: true,
      });
      if (!(stream instanceof ReadableStream)) throw new AiProviderError("the model did not stream", "invalid-output");
      yield* sseDeltas(stream as ReadableStream<Uint8Array>, input.signal, (event) =>
        isRecord(event) ? event.response : undefined,
      );
    },
    async summarize(text) {
      const input = text.slice(0, SUMMARY_INPUT_CHARS);
      const output = await call(ai, model.summary, { input_text: input, max_length: 256 });
      if (!isRecord(output) || typeof output.summary !== "string" || output.summary.trim() === "") {
        throw new AiProviderError("the summary model returned no summary", "invalid-output");
      }
      // Keywords are extracted, not generated: the summary model has no keyword output.
      return { summary: output.summary.trim(), keywords: topKeywords(input, 8), generative: true };
    },
    async labelImage(bytes) {
      const output = await call(ai, model.image, { image: [...bytes] });
      if (!Array.isArray(output)) throw new AiProviderError("the image model returned no labels", "invalid-output");
      const labels: ImageLabel[] = [];
      for (const item of output) {
        if (!isRecord(item) || typeof item.label !== "string" || typeof item.score !== "number") {
          throw new AiProviderError("the image model returned a malformed label", "invalid-output");
        }
        if (item.score < 0 || item.score > 1) throw new AiProviderError("label score out of range", "invalid-output");
        labels.push({ label: item.label.slice(0, 128), score: item.score });
      }
      return labels.sort((a, b) => b.score - a.score).slice(0, 5);
    },
    async embed(texts) {
      const output = await call(ai, model.embedding, { text: texts });
      const data = isRecord(output) ? output.data : undefined;
      if (
        !Array.isArray(data) ||
        data.length !== texts.length ||
        !data.every(
          (row) =>
            Array.isArray(row) && row.length > 0 && row.every((x) => typeof x === "number" && Number.isFinite(x)),
        )
      ) {
        throw new AiProviderError("the embedding model returned malformed vectors", "invalid-output");
      }
      return data as number[][];
    },
  };
}
