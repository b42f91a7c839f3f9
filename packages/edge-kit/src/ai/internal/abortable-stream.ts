// Streamed model answers that end quietly, instead of failing, once the caller has aborted.

/**
 * The deltas of a streamed answer: none when `signal` is already aborted; otherwise `open()` makes the
 * upstream request and `deltas` reads its answer. A request that fails because `signal` aborted ends the
 * iteration quietly; any other failure is thrown, as is anything `deltas` throws.
 *
 * @example
 * yield* streamUnlessAborted(signal, () => post(body, signal), (response) => sseDeltas(response.body, signal, pick));
 */
export async function* streamUnlessAborted<T>(
  signal: AbortSignal | undefined,
  open: () => Promise<T>,
  deltas: (answer: T) => AsyncIterable<string>,
): AsyncGenerator<string> {
  if (signal?.aborted) return;
  let answer: T;
  try {
    answer = await open();
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
  yield* deltas(answer);
}
