// One interface for every AI provider (stream text, summarise, label an image, embed text) and its error type.

export type AiProviderName = "offline" | "workers-ai" | "openai";

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface StreamTextInput {
  messages: ChatMessage[];
  maxTokens: number;
  /** Aborting stops the iteration quietly and cancels the upstream request or stream. */
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
  /** The model's confidence, 0–1. */
  score: number;
}

export interface AiProvider {
  readonly name: AiProviderName;
  /** False for the offline provider: nothing it returns was produced by a model. */
  readonly generative: boolean;
  /**
   * Text deltas as the model produces them. Ends normally only when the model said it was done; a stream
   * that breaks off or ends early throws `AiProviderError` after the deltas already yielded. Stops (and
   * cancels upstream) when `signal` aborts.
   */
  streamText(input: StreamTextInput): AsyncIterable<string>;
  /** A summary and keywords; `maxSentences` (default 3) bounds extractive and instructed summaries. */
  summarize(text: string, options?: { maxSentences?: number }): Promise<TextAnalysis>;
  /** At most 5 labels, best first; `[]` when the provider has no image model. */
  labelImage(bytes: Uint8Array): Promise<ImageLabel[]>;
  /** One vector per input text, in order. */
  embed(texts: string[]): Promise<number[][]>;
}

/** The Workers AI binding as this module uses it: the generated `Ai` type satisfies it, tests pass doubles. */
export interface AiBinding {
  run(model: string, inputs: unknown, options?: unknown): Promise<unknown>;
}

export type AiProviderErrorKind = "unavailable" | "invalid-output" | "refused";

/**
 * `unavailable`: the provider failed or broke off (transient: retry later). `invalid-output`: it answered
 * something unusable. `refused`: this provider cannot do this at all. Messages never carry credentials.
 *
 * @example
 * if (error instanceof AiProviderError && error.kind === "unavailable") message.retry();
 */
export class AiProviderError extends Error {
  constructor(
    message: string,
    readonly kind: AiProviderErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AiProviderError";
  }
}
