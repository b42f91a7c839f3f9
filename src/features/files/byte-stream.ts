// Streaming helpers for uploads: read the first bytes to sniff, then replay them with the rest (hashing as they
// pass), or forward the rest without JavaScript touching it.
import { toHex } from "@outpost/edge-kit/crypto";

interface Head {
  /** The body the head was read from (locked by `reader`). */
  body: ReadableStream<Uint8Array>;
  /** The first bytes read (at least `want` unless the body was shorter). */
  bytes: Uint8Array;
  chunks: Uint8Array[];
  reader: ReadableStreamDefaultReader<Uint8Array>;
  /** True when the body ended within the head. */
  done: boolean;
}

/**
 * Reads chunks until at least `want` bytes (or the end) without consuming more than it must. A body of
 * `expected` bytes that ends or fails before then (the client went away) is a BodyLengthError, not a crash.
 */
export async function readHead(body: ReadableStream<Uint8Array>, want: number, expected: number): Promise<Head> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < want) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      reader.cancel().catch(() => {});
      throw new BodyLengthError(expected, length);
    }
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.byteLength;
  }
  if (done ? length !== expected : length > expected) {
    reader.cancel().catch(() => {});
    throw new BodyLengthError(expected, length);
  }
  const bytes = new Uint8Array(Math.min(length, want));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= bytes.length) break;
    const take = chunk.subarray(0, bytes.length - offset);
    bytes.set(take, offset);
    offset += take.byteLength;
  }
  return { body, bytes, chunks, reader, done };
}

export class BodyLengthError extends Error {
  /** `received` is null when the bytes were not counted (forward: they never passed through JavaScript). */
  constructor(
    readonly expected: number,
    readonly received: number | null,
  ) {
    super(`body has ${received ?? "fewer"} bytes, expected ${expected}`);
    this.name = "BodyLengthError";
  }
}

interface Replay {
  /** The bytes the body must have. */
  length: number;
  /** Exactly `length` bytes for R2 (a FixedLengthStream, so R2 knows the size up front). */
  readable: ReadableStream<Uint8Array>;
  /** Resolves with the SHA-256 (hex) when every byte has passed, rejects with BodyLengthError on a short or long body. */
  done: Promise<{ sha256: string | null; bytes: number }>;
  /** Stops the pump (the consumer failed). */
  cancel(reason: unknown): void;
}

/**
 * Replays the head then the rest of the body as exactly `length` bytes (through a FixedLengthStream, so R2
 * knows the size up front), pulled by the consumer one chunk at a time: at most one chunk is in memory and
 * R2's pace sets the read rate. When `hash` is set, every byte also passes through a native SHA-256
 * DigestStream. A body that is shorter or longer than `length` fails both `done` and the consumer.
 */
export function replay(head: Head, length: number, hash: boolean): Replay {
  const digest = hash ? new crypto.DigestStream("SHA-256") : null;
  const digestWriter = digest?.getWriter();
  digestWriter?.closed.catch(() => {});
  // An aborted digest rejects its result; that is reported through `done`.
  digest?.digest.catch(() => {});
  const pending = [...head.chunks];
  let ended = head.done;
  let seen = 0;
  let settle: { resolve: (value: { sha256: string | null; bytes: number }) => void; reject: (error: unknown) => void };
  const done = new Promise<{ sha256: string | null; bytes: number }>((resolve, reject) => {
    settle = { resolve, reject };
  });
  done.catch(() => {});
  const stop = (reason: unknown) => {
    settle.reject(reason);
    digestWriter?.abort().catch(() => {});
    head.reader.cancel().catch(() => {});
  };
  const source = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          let chunk = pending.shift();
          if (!chunk && !ended) {
            // A body that fails mid-way is a client that went away: the same 400 as a body that ends early.
            const next = await head.reader.read().catch(() => {
              throw new BodyLengthError(length, seen);
            });
            if (next.done) ended = true;
            else chunk = next.value;
          }
          if (!chunk) {
            if (seen !== length) throw new BodyLengthError(length, seen);
            await digestWriter?.close();
            controller.close();
            settle.resolve({ sha256: digest ? toHex(new Uint8Array(await digest.digest)) : null, bytes: seen });
            return;
          }
          seen += chunk.byteLength;
          if (seen > length) throw new BodyLengthError(length, seen);
          await digestWriter?.write(chunk);
          controller.enqueue(chunk);
        } catch (error) {
          controller.error(error);
          stop(error);
        }
      },
      cancel(reason) {
        stop(reason ?? new Error("cancelled"));
      },
    },
    { highWaterMark: 0 },
  );
  return {
    length,
    readable: source.pipeThrough(new FixedLengthStream(length)),
    done,
    cancel(reason) {
      stop(reason ?? new Error("cancelled"));
    },
  };
}

/**
 * The head then the rest of the body as exactly `length` bytes through a FixedLengthStream, like `replay` without
 * a hash, but the rest is piped natively: workerd pumps the request body into the FixedLengthStream without
 * handing its chunks to JavaScript. Pulling every chunk through a JS stream (replay) made workerd's resident
 * memory grow with the bytes uploaded (bench/upload-memory.mjs, 1 GB in 16 MiB parts: +351 MB with replay,
 * +161–189 MB forwarded, +132–134 MB for a bare Worker that hands R2 the request body). A body that ends
 * early or fails is a BodyLengthError (its byte count unknown, so `received` is null), through `done` or, for
 * one that ended (the pipe then succeeds and only the consumer fails), through causeOfFailure; when the
 * consumer stops first, `done` rejects with the consumer's reason.
 */
export function forward(head: Head, length: number): Replay {
  const fixed = new FixedLengthStream(length);
  const abort = new AbortController();
  let writer: WritableStreamDefaultWriter<Uint8Array> | null = fixed.writable.getWriter();
  const pump = async () => {
    // The head's chunks (already read to sniff) go in first; each write waits for the consumer to take it.
    for (const chunk of head.chunks) await writer?.write(chunk);
    if (head.done) {
      // readHead made sure a body that ended within the head has exactly `length` bytes.
      await writer?.close();
      return;
    }
    writer?.releaseLock();
    writer = null;
    head.reader.releaseLock();
    // preventCancel: if the pipe fails, the body is left as it was, so that bodyEnded can tell whose fault it was.
    await head.body.pipeTo(fixed.writable, { preventCancel: true, signal: abort.signal });
  };
  const done = pump().then(
    () => ({ sha256: null, bytes: length }),
    async (error: unknown) => {
      // A body that ended within the head had exactly `length` bytes (readHead), so then the consumer failed.
      if (!head.done && (await bodyEnded(head))) throw new BodyLengthError(length, null);
      throw error;
    },
  );
  done.catch(() => {});
  return {
    length,
    readable: fixed.readable,
    done,
    cancel(reason) {
      const why = reason ?? new Error("cancelled");
      abort.abort(why);
      writer?.abort(why).catch(() => {});
    },
  };
}

/**
 * After a failed pipe: true when the body had ended (short, since the pipe failed) or failed, that is the
 * client's doing; false when bytes were still waiting (the consumer stopped first), which are then let go.
 */
async function bodyEnded(head: Head): Promise<boolean> {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = head.body.locked ? head.reader : head.body.getReader();
  } catch {
    return false;
  }
  try {
    const next = await reader.read();
    if (next.done) return true;
    reader.cancel().catch(() => {});
    return false;
  } catch {
    return true;
  }
}

/**
 * workerd's FixedLengthStream, closed before all its bytes came (a body that ended early, piped by `forward`),
 * fails its readable side (the consumer sees this error) while the pipe into it succeeds.
 */
function closedShort(error: unknown): boolean {
  return error instanceof TypeError && /did not see all expected bytes/.test(error.message);
}

/**
 * Why a streamed write failed: the body's BodyLengthError when the client cut it short (R2 then fails too,
 * and may report its own error first), otherwise the write's own error.
 */
export async function causeOfFailure(stream: Replay, error: unknown): Promise<unknown> {
  if (error instanceof BodyLengthError) return error;
  return stream.done.then(
    () => (closedShort(error) ? new BodyLengthError(stream.length, null) : error),
    (reason: unknown) => (reason instanceof BodyLengthError ? reason : error),
  );
}
