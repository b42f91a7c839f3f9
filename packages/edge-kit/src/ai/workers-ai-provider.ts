// Workers AI through the AI binding: streamed chat, summaries, image labels and embeddings, all validated.
import { type AiBinding, type AiProvider, AiProviderError } from "./ai-provider";
import { streamUnlessAborted } from "./internal/abortable-stream";
import { field, nonEmptyText, parseImageLabels, parseVectors } from "./internal/model-output";
import { sseDeltas } from "./sse-data";
import { topKeywords, truncateText } from "./text-statistics";

export interface WorkersAiModels {
  /** Text generation with `{ messages, max_tokens, stream: true }`, streaming `data: {"response": …}` events. */
  text: string;
  /** Summarisation: `{ input_text, max_length }` → `{ summary }`. */
  summary: string;
  /** Image classification: `{ image: number[] }` → `[{ label, score }]`. */
  image: string;
  /** Text embeddings: `{ text: string[] }` → `{ shape, data: number[][] }`. */
  embedding: string;
}

export const DEFAULT_WORKERS_AI_MODELS: Readonly<WorkersAiModels> = {
  text: "@cf/meta/llama-3.1-8b-instruct",
  summary: "@cf/facebook/bart-large-cnn",
  image: "@cf/microsoft/resnet-50",
  embedding: "@cf/baai/bge-base-en-v1.5",
};

/** The summarisation model reads at most this many characters of the text; the rest is ignored. */
export const SUMMARY_INPUT_CHARS = 12_000;

/** The summarisation model's output cap, in tokens (its `max_length`). */
export const SUMMARY_MAX_TOKENS = 256;

/** Characters kept of a model's summary. */
const SUMMARY_OUTPUT_CHARS = 2_000;

/** Runs a model; any throw from the binding (capacity, network, unknown model) is `unavailable`. */
async function run(ai: AiBinding, model: string, inputs: unknown, options?: unknown): Promise<unknown> {
  try {
    return options === undefined ? await ai.run(model, inputs) : await ai.run(model, inputs, options);
  } catch (error) {
    throw new AiProviderError(`Workers AI model ${model} failed`, "unavailable", { cause: error });
  }
}

/**
 * Workers AI models through the `AI` binding (defaults in `DEFAULT_WORKERS_AI_MODELS`). Keywords are not
 * generated: no model here returns them, so `summarize` extracts them from the text it sent (`topKeywords`).
 * A binding that throws gives `AiProviderError("unavailable")`; an answer that fails validation gives
 * `AiProviderError("invalid-output")`.
 *
 * @example
 * const ai = createWorkersAiProvider(env.AI);
 * for await (const delta of ai.streamText({ messages, maxTokens: 512, signal })) write(delta);
 */
export function createWorkersAiProvider(ai: AiBinding, models: Partial<WorkersAiModels> = {}): AiProvider {
  const model: WorkersAiModels = { ...DEFAULT_WORKERS_AI_MODELS, ...models };
  return {
    name: "workers-ai",
    generative: true,
    async *streamText(input) {
      const signal = input.signal;
      const inputs = { messages: input.messages, max_tokens: input.maxTokens, stream: true };
      // The binding takes a signal too, so an abort also stops the upstream request.
      const open = () => run(ai, model.text, inputs, signal ? { signal } : undefined);
      yield* streamUnlessAborted(signal, open, (stream) => {
        if (!(stream instanceof ReadableStream)) {
          throw new AiProviderError(`Workers AI model ${model.text} did not stream`, "invalid-output");
        }
        return sseDeltas(stream as ReadableStream<Uint8Array>, signal, (event) => field(event, "response"));
      });
    },
    async summarize(text) {
      const input = truncateText(text, SUMMARY_INPUT_CHARS);
      const output = await run(ai, model.summary, { input_text: input, max_length: SUMMARY_MAX_TOKENS });
      const summary = nonEmptyText(field(output, "summary"));
      if (summary === null) {
        throw new AiProviderError(`Workers AI model ${model.summary} returned no summary`, "invalid-output");
      }
      return {
        summary: truncateText(summary, SUMMARY_OUTPUT_CHARS),
        keywords: topKeywords(input, 8),
        generative: true,
      };
    },
    async labelImage(bytes) {
      const labels = parseImageLabels(await run(ai, model.image, { image: Array.from(bytes) }));
      if (labels === null) {
        throw new AiProviderError(`Workers AI model ${model.image} returned malformed labels`, "invalid-output");
      }
      return labels;
    },
    async embed(texts) {
      if (texts.length === 0) return [];
      const vectors = parseVectors(field(await run(ai, model.embedding, { text: texts }), "data"), texts.length);
      if (vectors === null) {
        throw new AiProviderError(`Workers AI model ${model.embedding} returned malformed vectors`, "invalid-output");
      }
      return vectors;
    },
  };
}
