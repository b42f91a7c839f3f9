// Server-Sent Events over a TransformStream: serialised writes, event ids, heartbeats, one terminal event.

export interface SseWriterOptions {
  /** Heartbeat comment interval; 0 disables (default 15 000 ms). */
  heartbeatMs?: number;
  /** Called once when the client is gone (a write failed) — before the shared signal aborts. */
  onDisconnect?: () => void;
  /** Reports an event that could not be serialised (it is dropped; later events still go out). */
  onDropped?: (event: string, error: unknown) => void;
}

/** One event a stream carries: its name and its JSON-serialisable data. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/** The data of the events of `E` named `K` (`unknown` for the untyped default, whose names are any string). */
export type SseEventData<E extends SseEvent, K extends string> = E extends { event: infer N; data: infer D }
  ? K extends N
    ? D
    : never
  : never;

/** The data of the terminal event `K` (`done` or `error`): its member's when `E` has one, else anything. */
type TerminalData<E extends SseEvent, K extends "done" | "error"> = [SseEventData<E, K>] extends [never]
  ? unknown
  : SseEventData<E, K>;

/**
 * Writes the events of `E`, a union of `{ event, data }` (for instance `z.infer` of a zod discriminated union
 * on `event`), so a misspelt event or a wrong field is a type error. The default takes any event and data.
 */
export interface SseWriter<E extends SseEvent = SseEvent> {
  /** Aborted when the client goes away or the stream ends: pass it to everything upstream. */
  readonly signal: AbortSignal;
  /** Events written so far (heartbeats excluded). */
  readonly sent: number;
  /** True once a terminal event was sent or the client is gone. */
  readonly closed: boolean;
  /** Sends one event; resolves false if the stream is closed or the client is gone. */
  send<K extends E["event"]>(event: K, data: SseEventData<E, K>): Promise<boolean>;
  /** Ends with `done` — unless the stream already ended. */
  done(data: TerminalData<E, "done">): Promise<void>;
  /** Ends with `error` (never after `done`). */
  error(data: TerminalData<E, "error">): Promise<void>;
}

const encoder = new TextEncoder();

function frame(id: number, event: string, data: unknown): Uint8Array {
  const json = JSON.stringify(data);
  if (json === undefined) throw new TypeError("event data is not serialisable");
  return encoder.encode(`id: ${id}\nevent: ${event}\ndata: ${json}\n\n`);
}

/**
 * A readable stream to return as the response body, and a writer the producer uses after the response has
 * started. Writes go through one promise chain, so events never interleave whatever the producer's
 * concurrency. The request's own abort signal is reported not to fire on Workers, so a gone client is
 * detected by a failed write (heartbeats make one happen even when the producer is quiet); the writer then
 * aborts `signal`, stops heartbeats and ignores further events.
 *
 * Typed over `E`, the union of the events it may send (see {@link SseWriter}); untyped without it.
 *
 * @example
 * type ChatEvent =
 *   | { event: "content"; data: { delta: string } }
 *   | { event: "done"; data: { chars: number } }
 *   | { event: "error"; data: { code: string } };
 * const { readable, writer } = createSseStream<ChatEvent>();
 * ctx.waitUntil(produce(writer)); // writer.send("content", { delta }) …, then writer.done({ chars })
 * return new Response(readable, { headers: SSE_HEADERS });
 */
export function createSseStream<E extends SseEvent = SseEvent>(
  options: SseWriterOptions = {},
): {
  readable: ReadableStream<Uint8Array>;
  writer: SseWriter<E>;
} {
  const stream = new TransformStream<Uint8Array, Uint8Array>();
  const out = stream.writable.getWriter();
  out.closed.catch(() => {});
  const controller = new AbortController();
  let chain: Promise<void> = Promise.resolve();
  let nextId = 1;
  let sent = 0;
  let closed = false;
  let gone = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const stop = () => {
    if (heartbeat !== undefined) clearInterval(heartbeat);
    heartbeat = undefined;
  };
  const disconnect = () => {
    if (gone) return;
    gone = true;
    closed = true;
    stop();
    options.onDisconnect?.();
    controller.abort(new Error("client disconnected"));
  };
  const write = (bytes: Uint8Array): Promise<boolean> => {
    const result = chain.then(async () => {
      if (gone) return false;
      try {
        await out.write(bytes);
        return true;
      } catch {
        disconnect();
        return false;
      }
    });
    chain = result.then(() => undefined);
    return result;
  };
  const finish = async (event: "done" | "error", data: unknown) => {
    if (closed) return;
    closed = true;
    stop();
    let bytes: Uint8Array;
    try {
      bytes = frame(nextId++, event, data);
    } catch (error) {
      options.onDropped?.(event, error);
      bytes = frame(nextId - 1, "error", { code: "internal" });
    }
    if (await write(bytes)) sent++;
    await chain;
    if (!gone) await out.close().catch(() => {});
    controller.abort(new Error("stream ended"));
  };

  if ((options.heartbeatMs ?? 15_000) > 0) {
    heartbeat = setInterval(() => void write(encoder.encode(": heartbeat\n\n")), options.heartbeatMs ?? 15_000);
  }

  const writer: SseWriter<E> = {
    signal: controller.signal,
    get sent() {
      return sent;
    },
    get closed() {
      return closed;
    },
    async send(event, data) {
      if (closed) return false;
      let bytes: Uint8Array;
      try {
        bytes = frame(nextId, event, data);
      } catch (error) {
        options.onDropped?.(event, error);
        return false;
      }
      nextId++;
      const ok = await write(bytes);
      if (ok) sent++;
      return ok;
    },
    done: (data) => finish("done", data),
    error: (data) => finish("error", data),
  };
  return { readable: stream.readable, writer };
}

/** Headers for an SSE response: no caching, no buffering by proxies. */
export const SSE_HEADERS: Record<string, string> = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Accel-Buffering": "no",
};
