// A Workers AI binding double: answers like the real models, streams SSE cut at awkward byte boundaries, fails on demand.

/**
 * How the text-generation model behaves when asked to stream. `ok`: every delta, then `data: [DONE]`.
 * `throw`: `run` rejects before any stream exists. `break`: the stream errors after `failAfterChunks` chunks.
 * `truncate`: every delta, then the stream closes without `[DONE]`. `hang`: `failAfterChunks` chunks (default
 * every delta), then nothing until the reader cancels or the `signal` passed to `run` aborts.
 * `malformed`: an event whose data is not JSON, then `[DONE]`.
 */
export type TextBehaviour = "ok" | "throw" | "break" | "truncate" | "hang" | "malformed";

/** Summarisation, image and embedding models: `invalid` answers with the wrong shape. */
export type ModelBehaviour = "ok" | "throw" | "invalid";

export interface AiDoubleScript {
  text: TextBehaviour;
  /** What the text model streams, one event each (default mixes ASCII, accents, an emoji and CJK). */
  deltas: string[];
  /** Byte sizes the SSE stream is cut into, cycled: they split lines, `\r\n` pairs and UTF-8 characters. */
  chunkSizes: number[];
  /** Chunks sent before `break` errors the stream (default 12) or `hang` stalls it (default: all but `[DONE]`). */
  failAfterChunks?: number;
  /** A final event with token `usage` before `[DONE]`, as newer models send. */
  usage: boolean;
  lineEnding: "\n" | "\r\n";
  summary: ModelBehaviour;
  /** The summary returned (default: one naming the input's length). */
  summaryText?: string;
  image: ModelBehaviour;
  /** What the image model returns when `ok` (default: six labels, not sorted). */
  labels: { label: string; score: number }[];
  embedding: ModelBehaviour;
  /** Vector length (bge-base: 768). */
  dimensions: number;
}

/** One stream handed out by the text model, and what became of it. */
export interface AiDoubleStream {
  model: string;
  chunksSent: number;
  cancelled: boolean;
  /** True when the `signal` passed to `run` aborted it. */
  aborted: boolean;
  closed: boolean;
  errored: boolean;
}

export interface AiDouble {
  /** Change it between calls to change the behaviour. */
  script: AiDoubleScript;
  calls: { model: string; inputs: unknown; options?: unknown }[];
  streams: AiDoubleStream[];
  run(model: string, inputs: unknown, options?: unknown): Promise<unknown>;
}

export const DEFAULT_DELTAS: readonly string[] = ["Bonjour", " à tous", " 🌍", " — 日本語", " done."];

/** resnet-50's answer: six labels, deliberately not sorted. */
const LABELS = { "TIGER CAT": 0.21, TABBY: 0.62, LYNX: 0.01, "EGYPTIAN CAT": 0.09, CARTON: 0.004, "PERSIAN CAT": 0.03 };

const encoder = new TextEncoder();

/**
 * The SSE text of `events` (each a `data:` payload), each ended by a blank line.
 *
 * @example
 * sseText([JSON.stringify({ response: "Hi" }), "[DONE]"]); // 'data: {"response":"Hi"}\n\ndata: [DONE]\n\n'
 */
export function sseText(events: readonly string[], lineEnding: "\n" | "\r\n" = "\n"): string {
  return events.map((data) => `data: ${data}${lineEnding}${lineEnding}`).join("");
}

/**
 * `bytes` cut into consecutive pieces of the given sizes (cycled).
 *
 * @example
 * chunkBytes(new TextEncoder().encode("🌍!"), [3]); // [3 bytes of the emoji, its last byte + "!"]
 */
export function chunkBytes(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? 1);
    chunks.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return chunks;
}

export interface ChunkedStreamOptions {
  chunkSizes?: readonly number[] | undefined;
  /** Chunks sent before a `break` or `hang` ending (default: all of them). */
  failAfterChunks?: number | undefined;
  /** After the chunks: close, error the stream (`break`), or stall until cancelled or aborted (`hang`). */
  ending?: "close" | "break" | "hang" | undefined;
  /** Aborting it errors the stream, as an aborted request would. */
  signal?: AbortSignal | undefined;
}

/**
 * A pull-driven byte stream of `text` in awkward pieces, with a record of what happened to it.
 *
 * @example
 * const { stream, record } = chunkedStream(sseText(events), { chunkSizes: [1, 2], ending: "hang" });
 */
export function chunkedStream(
  text: string,
  options: ChunkedStreamOptions = {},
): { stream: ReadableStream<Uint8Array>; record: AiDoubleStream } {
  const chunks = chunkBytes(encoder.encode(text), options.chunkSizes ?? [1, 3, 2, 5, 7, 4, 11]);
  const ending = options.ending ?? "close";
  const limit = ending === "close" ? chunks.length : Math.min(options.failAfterChunks ?? chunks.length, chunks.length);
  const record: AiDoubleStream = {
    model: "",
    chunksSent: 0,
    cancelled: false,
    aborted: false,
    closed: false,
    errored: false,
  };
  let release = () => {};
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        options.signal?.addEventListener("abort", () => {
          if (record.closed || record.errored || record.cancelled) return;
          record.aborted = true;
          record.errored = true;
          controller.error(options.signal?.reason ?? new DOMException("aborted", "AbortError"));
          release();
        });
      },
      pull(controller) {
        if (record.aborted || record.cancelled) return;
        const chunk = chunks[record.chunksSent];
        if (record.chunksSent < limit && chunk) {
          controller.enqueue(chunk);
          record.chunksSent++;
          return;
        }
        if (ending === "break") {
          record.errored = true;
          controller.error(new Error("network connection lost"));
        } else if (ending === "hang") {
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        } else {
          record.closed = true;
          controller.close();
        }
        return undefined;
      },
      cancel() {
        record.cancelled = true;
        release();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, record };
}

/** The fields the double reads from a model's inputs and options. */
interface KnownFields {
  signal?: unknown;
  stream?: unknown;
  input_text?: unknown;
  text?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> & KnownFields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const capacityError = () => new Error("AiError: 3040: Capacity temporarily exceeded, please try again.");

/** The `data:` payloads the text model streams under `script`. */
function textEvents(script: AiDoubleScript): string[] {
  const events = script.deltas.map((response) => JSON.stringify({ response }));
  if (script.text === "malformed") events.splice(1, 0, '{"response": "unterminated');
  const usage = { prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 };
  if (script.usage) events.push(JSON.stringify({ response: "", usage }));
  if (script.text !== "truncate" && script.text !== "hang") events.push("[DONE]");
  return events;
}

function vectorFor(text: string, row: number, dimensions: number): number[] {
  const seed = [...text].reduce((sum, char) => sum + (char.codePointAt(0) ?? 0), row + 1);
  return Array.from({ length: dimensions }, (_, i) => Math.round(Math.sin(seed * (i + 1)) * 1e6) / 1e6);
}

/**
 * A Workers AI binding double; the model kind is read from the inputs, as the real models take them:
 * `messages`/`prompt` text generation, `input_text` summarisation, `image` classification, `text` embeddings.
 * It is assignable to the kit's `AiBinding`; cast it (`as unknown as Ai`) to put it in `env.AI`.
 *
 * @example
 * const ai = createAiDouble({ text: "hang" });
 * // ... run the code under test, abort it ...
 * expect(ai.streams[0]?.cancelled).toBe(true);
 */
export function createAiDouble(script: Partial<AiDoubleScript> = {}): AiDouble {
  const double: AiDouble = {
    script: {
      text: "ok",
      deltas: [...DEFAULT_DELTAS],
      chunkSizes: [1, 3, 2, 5, 7, 4, 11],
      usage: false,
      lineEnding: "\n",
      summary: "ok",
      image: "ok",
      labels: Object.entries(LABELS).map(([label, score]) => ({ label, score })),
      embedding: "ok",
      dimensions: 768,
      ...script,
    },
    calls: [],
    streams: [],
    async run(model, inputs, options) {
      double.calls.push(options === undefined ? { model, inputs } : { model, inputs, options });
      const s = double.script;
      const signal = isRecord(options) && options.signal instanceof AbortSignal ? options.signal : undefined;
      if (signal?.aborted) throw signal.reason ?? new DOMException("aborted", "AbortError");
      if (!isRecord(inputs)) throw new Error("AiError: 5006: Error: required properties at '/' are missing");
      if ("messages" in inputs || "prompt" in inputs) {
        if (s.text === "throw") throw capacityError();
        if (inputs.stream !== true) return { response: s.deltas.join(""), usage: { total_tokens: 1 } };
        const { stream, record } = chunkedStream(sseText(textEvents(s), s.lineEnding), {
          chunkSizes: s.chunkSizes,
          failAfterChunks: s.text === "break" ? (s.failAfterChunks ?? 12) : s.failAfterChunks,
          ending: s.text === "break" || s.text === "hang" ? s.text : "close",
          signal,
        });
        double.streams.push(Object.assign(record, { model }));
        return stream;
      }
      const kind =
        "input_text" in inputs ? "summary" : "image" in inputs ? "image" : "text" in inputs ? "embedding" : null;
      if (kind === null) throw new Error(`AiError: 5007: No such model ${model} or task`);
      if (s[kind] === "throw") throw capacityError();
      const invalid = s[kind] === "invalid";
      if (kind === "summary") {
        return invalid
          ? { text: "wrong key" }
          : { summary: s.summaryText ?? `A summary of ${String(inputs.input_text).length} characters.` };
      }
      if (kind === "image") return invalid ? [{ label: "X", score: 1.7 }] : s.labels.map((label) => ({ ...label }));
      const texts = Array.isArray(inputs.text) ? inputs.text.map(String) : [String(inputs.text)];
      if (invalid) return { shape: [texts.length, 2], data: [[0.1, "0.2"]] };
      const data = texts.map((text, row) => vectorFor(text, row, s.dimensions));
      return { shape: [texts.length, s.dimensions], data, pooling: "mean" };
    },
  };
  return double;
}

/**
 * Everything an async iterable yields, and the error it ended with (undefined when it completed).
 *
 * @example
 * const { parts, error } = await drain(provider.streamText({ messages, maxTokens: 64 }));
 */
export async function drain<T>(iterable: AsyncIterable<T>): Promise<{ parts: T[]; error: unknown }> {
  const parts: T[] = [];
  try {
    for await (const part of iterable) parts.push(part);
    return { parts, error: undefined };
  } catch (error) {
    return { parts, error };
  }
}
