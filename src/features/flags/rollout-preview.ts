// Rollout preview: how a flag definition would split the users, decided by the kit's own evaluator.
import { evaluateFlag, type Flag, type FlagReason } from "@outpost/edge-kit/flags";

export interface PreviewUser {
  id: string;
  email: string;
  displayName: string;
}

export interface PreviewedUser extends PreviewUser {
  reason: FlagReason;
}

/** One page of users, oldest first; `nextCursor` is null after the last. */
export type ReadUserPage = (
  cursor: string | undefined,
  limit: number,
) => Promise<{
  users: PreviewUser[];
  nextCursor: string | null;
}>;

export interface RolloutPreview {
  /** Users evaluated: every user, or the first `maxUsers` when `capped`. */
  scanned: number;
  capped: boolean;
  on: number;
  off: number;
  reasons: Partial<Record<FlagReason, number>>;
  /** The first `sampleSize` users who are in, and who are not, oldest first. */
  sampleOn: PreviewedUser[];
  sampleOff: PreviewedUser[];
}

export interface RolloutPreviewOptions {
  /** Users scanned at most (default 10 000): a preview is a rare admin call, but still one request. */
  maxUsers?: number;
  /** Users read a page (default 1 000). */
  pageSize?: number;
  /** Users listed on each side (default 20). */
  sampleSize?: number;
}

export const PREVIEW_MAX_USERS = 10_000;
export const PREVIEW_SAMPLE_SIZE = 20;

/**
 * Evaluates `flag` for every user `readPage` yields, with `evaluateFlag` — the function real evaluation
 * runs — so a preview cannot drift from what users will get. 10 000 users cost 10 D1 reads and 10 000
 * SHA-256 digests (a few tens of ms of CPU); beyond that the counts cover the oldest users and say so.
 */
export async function previewRollout(
  flag: Flag,
  readPage: ReadUserPage,
  options: RolloutPreviewOptions = {},
): Promise<RolloutPreview> {
  const maxUsers = options.maxUsers ?? PREVIEW_MAX_USERS;
  const pageSize = options.pageSize ?? 1_000;
  const sampleSize = options.sampleSize ?? PREVIEW_SAMPLE_SIZE;
  const preview: RolloutPreview = {
    scanned: 0,
    capped: false,
    on: 0,
    off: 0,
    reasons: {},
    sampleOn: [],
    sampleOff: [],
  };
  let cursor: string | undefined;
  while (preview.scanned < maxUsers) {
    const page = await readPage(cursor, Math.min(pageSize, maxUsers - preview.scanned));
    const decisions = await Promise.all(page.users.map((user) => evaluateFlag(flag, { id: user.id })));
    for (const [i, user] of page.users.entries()) {
      const decision = decisions[i];
      if (!decision) continue;
      preview.scanned++;
      preview.reasons[decision.reason] = (preview.reasons[decision.reason] ?? 0) + 1;
      const sample = decision.on ? preview.sampleOn : preview.sampleOff;
      if (decision.on) preview.on++;
      else preview.off++;
      if (sample.length < sampleSize) {
        sample.push({ id: user.id, email: user.email, displayName: user.displayName, reason: decision.reason });
      }
    }
    if (page.nextCursor === null || page.users.length === 0) return preview;
    cursor = page.nextCursor;
  }
  preview.capped = true;
  return preview;
}
