// Streaming helpers for uploads: read the first bytes to sniff, then replay them with the rest, hashing as they pass.
import { toHex } from "@outpost/edge-kit/crypto";

interface Head {
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
  return { bytes, chunks, reader, done };
}

export class BodyLengthError extends Error {
  constructor(
    readonly expected: number,
    readonly received: number,
  ) {
    super(`body has ${received} bytes, expected ${expected}`);
    this.name = "BodyLengthError";
  }
}

interface Replay {
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
    readable: source.pipeThrough(new FixedLengthStream(length)),
    done,
    cancel(reason) {
      stop(reason ?? new Error("cancelled"));
    },
  };
}

/**
 * Why a streamed write failed: the body's BodyLengthError when the client cut it short (R2 then fails too,
 * and may report its own error first), otherwise the write's own error.
 */
export async function causeOfFailure(stream: Replay, error: unknown): Promise<unknown> {
  if (error instanceof BodyLengthError) return error;
  return stream.done.then(
    () => error,
    (reason: unknown) => (reason instanceof BodyLengthError ? reason : error),
  );
}
