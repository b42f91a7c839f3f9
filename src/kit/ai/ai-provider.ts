// One interface for every AI provider: stream text, summarise, label an image, embed text.

export type AiProviderName = "offline" | "workers-ai" | "openai";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface StreamTextInput {
  messages: ChatMessage[];
  maxTokens: number;
  signal?: AbortSignal;
}

export interface TextAnalysis {
  summary: string;
  keywords: string[];
  /** False when the summary was computed (extractive), not written by a model. */
  generative: boolean;
}

export interface ImageLabel {
  label: string;
  score: number;
}

export interface AiProvider {
  readonly name: AiProviderName;
  /** False for the offline provider: nothing it returns was produced by a model. */
  readonly generative: boolean;
  /** Text deltas as the model produces them; stops (and cancels upstream) when `signal` aborts. */
  streamText(input: StreamTextInput): AsyncIterable<string>;
  summarize(text: string, options?: { maxSentences?: number }): Promise<TextAnalysis>;
  labelImage(bytes: Uint8Array): Promise<ImageLabel[]>;
  embed(texts: string[]): Promise<number[][]>;
}

/** The binding's shape as this module uses it (the generated `Ai` type satisfies it; tests pass doubles). */
export interface AiBinding {
  run(model: string, inputs: unknown, options?: unknown): Promise<unknown>;
}

/**
 * `unavailable`: transient (retry later). `invalid-output`: the provider answered something unusable.
 * `refused`: the provider cannot do this at all.
 */
export class AiProviderError extends Error {
  constructor(
    message: string,
    readonly kind: "unavailable" | "invalid-output" | "refused",
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AiProviderError";
  }
}
