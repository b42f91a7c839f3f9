// Exact prefix deletion in KV that follows the list cursor and stops within an operation budget.

/** KV allows 1 000 operations per Worker invocation; leave room for the rest of the request. */
export const DEFAULT_OPERATION_BUDGET = 900;

export interface PrefixDeletion {
  deleted: number;
  complete: boolean;
  /** Pass back to continue where this call stopped. */
  cursor?: string;
}

/**
 * Deletes every key under `prefix`, page by page (an empty page does not mean done: only `list_complete`
 * does). Each list and each delete counts against `budget`; when it runs out the call returns
 * `complete: false` with a cursor to resume from, instead of failing mid-way.
 *
 * @example
 * let r = await deleteByPrefix(env.CACHE, "tmp:");
 * while (!r.complete) r = await deleteByPrefix(env.CACHE, "tmp:", { cursor: r.cursor });
 */
export async function deleteByPrefix(
  kv: KVNamespace,
  prefix: string,
  options: { budget?: number; cursor?: string } = {},
): Promise<PrefixDeletion> {
  let budget = options.budget ?? DEFAULT_OPERATION_BUDGET;
  let cursor = options.cursor;
  let deleted = 0;
  while (budget > 1) {
    const page = await kv.list({ prefix, cursor, limit: Math.min(1_000, budget - 1) });
    budget--;
    await Promise.all(page.keys.map((key) => kv.delete(key.name)));
    budget -= page.keys.length;
    deleted += page.keys.length;
    if (page.list_complete) return { deleted, complete: true };
    cursor = page.cursor;
  }
  return { deleted, complete: false, cursor };
}
