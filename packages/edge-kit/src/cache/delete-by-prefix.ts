// Exact prefix deletion in KV that follows the list cursor and stops within an operation budget.
import { MAX_KV_OPERATIONS } from "./internal/kv-limits";

/** Leaves room under KV's 1 000 operations per invocation for the rest of the request. */
export const DEFAULT_OPERATION_BUDGET = 900;

export interface PrefixDeletion {
  deleted: number;
  /** True once `list()` reported `list_complete` and every key it listed is deleted. */
  complete: boolean;
  /** Where to resume (pass it back as `cursor`); absent when complete. */
  cursor?: string;
  /** KV operations this call used (lists + deletes), never more than the budget. */
  operations: number;
}

export interface PrefixDeletionOptions {
  /** KV operations this call may use, 2–1 000 (default 900). */
  budget?: number | undefined;
  /** The cursor a previous incomplete call returned; undefined starts from the first key. */
  cursor?: string | undefined;
}

/**
 * Deletes the keys under `prefix` page by page, following `cursor` until `list_complete` (an empty page does
 * not mean done). Each list and each delete counts against `budget`; when it runs out the call returns
 * `complete: false` with a cursor, instead of failing at KV's per-invocation limit half-way through. Keys
 * written in the last minute may be missing from `list()` (it is eventually consistent), so this is for
 * exact cleanups of settled keys; to invalidate a cache namespace bump its version instead.
 *
 * @example
 * // One step per invocation, e.g. per queue message, carrying the cursor to the next one.
 * const step = await deleteByPrefix(env.CACHE, "tmp:", { cursor: message.body.cursor });
 * if (!step.complete) await env.JOBS.send({ type: "delete-prefix", cursor: step.cursor });
 */
export async function deleteByPrefix(
  kv: KVNamespace,
  prefix: string,
  options: PrefixDeletionOptions = {},
): Promise<PrefixDeletion> {
  const budget = options.budget ?? DEFAULT_OPERATION_BUDGET;
  if (!Number.isInteger(budget) || budget < 2 || budget > MAX_KV_OPERATIONS) {
    throw new RangeError(`budget must be an integer from 2 to ${MAX_KV_OPERATIONS}, got ${budget}`);
  }
  let operations = 0;
  let deleted = 0;
  let cursor = options.cursor;
  // A list is only worth its operation if at least one delete can follow it.
  while (budget - operations >= 2) {
    const limit = Math.min(1_000, budget - operations - 1);
    const page = await kv.list({ prefix, ...(cursor === undefined ? {} : { cursor }), limit });
    operations++;
    await Promise.all(page.keys.map((key) => kv.delete(key.name)));
    operations += page.keys.length;
    deleted += page.keys.length;
    if (page.list_complete) return { deleted, complete: true, operations };
    cursor = page.cursor;
  }
  // The loop ran at least once (budget ≥ 2) and its last page was incomplete, so `cursor` is set.
  return { deleted, complete: false, ...(cursor === undefined ? {} : { cursor }), operations };
}
