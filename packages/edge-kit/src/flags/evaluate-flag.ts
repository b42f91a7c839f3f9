// Flag evaluation: kill switch, enabled, allow-list, then a per-flag percentage bucket from SHA-256.
import type { Flag } from "./flag-schema";

/** Buckets a percentage is cut into: 100 per percentage point. */
export const ROLLOUT_BUCKETS = 10_000;

export type FlagReason =
  | "kill-switch"
  | "disabled"
  | "allow-list"
  | "rollout"
  | "outside-rollout"
  | "anonymous"
  | "invalid";

export interface FlagDecision {
  on: boolean;
  reason: FlagReason;
}

/** The caller a flag is evaluated for; null (or an empty id) is an anonymous caller. */
export type FlagUser = { id: string } | null;

const encoder = new TextEncoder();

/**
 * The user's bucket for a flag, 0…9 999: the first four bytes of SHA-256(`name:salt:userId`) as a big-endian
 * uint32, modulo 10 000. Hashing the flag's name and salt with the id makes flags independent of each other
 * (the seed's hash of the id alone put the same users in every 10 % rollout: 10.07 % overlap instead of
 * 1 %); a bucket that does not depend on the percentage makes rollouts monotonic. The modulo bias is
 * 2³² mod 10⁴ / 2³² ≈ 2·10⁻⁷ per bucket.
 *
 * @example
 * await rolloutBucket({ name: "new-editor", salt: flag.salt }, "u1"); // e.g. 4711: on from 48 % up
 */
export async function rolloutBucket(flag: Pick<Flag, "name" | "salt">, userId: string): Promise<number> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`${flag.name}:${flag.salt}:${userId}`));
  return new DataView(digest).getUint32(0) % ROLLOUT_BUCKETS;
}

/**
 * Decides a flag for one caller, in this order: no valid definition → off ("invalid"); kill switch → off;
 * disabled → off; on the allow-list → on; anonymous → on only at 100 % (an anonymous caller has no stable
 * id, so it is never part of a partial rollout); otherwise on iff the user's bucket is below
 * `rolloutPercentage × 100`. Never throws for a parsed flag.
 *
 * @example
 * await evaluateFlag(flag, { id: "u1" }); // { on: true, reason: "rollout" }
 * await evaluateFlag(flag, null);         // { on: false, reason: "anonymous" } unless flag is at 100 %
 */
export async function evaluateFlag(flag: Flag | null, user: FlagUser): Promise<FlagDecision> {
  if (!flag) return { on: false, reason: "invalid" };
  if (flag.killSwitch) return { on: false, reason: "kill-switch" };
  if (!flag.enabled) return { on: false, reason: "disabled" };
  const userId = user?.id ?? "";
  if (userId !== "" && flag.allowList.includes(userId)) return { on: true, reason: "allow-list" };
  if (userId === "") {
    return flag.rolloutPercentage === 100 ? { on: true, reason: "rollout" } : { on: false, reason: "anonymous" };
  }
  const bucket = await rolloutBucket(flag, userId);
  return bucket < flag.rolloutPercentage * (ROLLOUT_BUCKETS / 100)
    ? { on: true, reason: "rollout" }
    : { on: false, reason: "outside-rollout" };
}
