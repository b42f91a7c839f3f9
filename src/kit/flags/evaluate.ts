// Flag evaluation: kill switch, enabled, allow-list, then a percentage bucket from SHA-256.
import type { Flag } from "./flag-schema";

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

const encoder = new TextEncoder();

/**
 * The user's bucket for a flag, 0…9 999: the first four bytes of SHA-256(name:salt:userId) modulo 10 000.
 * Hashing the flag's name and salt with the id makes flags independent of each other (the seeds' hash put
 * the same users in every 10 % rollout); the same bucket for every percentage makes rollouts monotonic.
 */
export async function rolloutBucket(flag: Pick<Flag, "name" | "salt">, userId: string): Promise<number> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`${flag.name}:${flag.salt}:${userId}`));
  return new DataView(digest).getUint32(0) % 10_000;
}

/**
 * @example
 * await evaluateFlag(flag, { id: "u1" }); // { on: true, reason: "rollout" }
 * await evaluateFlag(flag, null);         // anonymous: on only at 100 %
 */
export async function evaluateFlag(flag: Flag | null, user: { id: string } | null): Promise<FlagDecision> {
  if (!flag) return { on: false, reason: "invalid" };
  if (flag.killSwitch) return { on: false, reason: "kill-switch" };
  if (!flag.enabled) return { on: false, reason: "disabled" };
  if (user && flag.allowList.includes(user.id)) return { on: true, reason: "allow-list" };
  if (!user)
    return flag.rolloutPercentage === 100 ? { on: true, reason: "rollout" } : { on: false, reason: "anonymous" };
  const bucket = await rolloutBucket(flag, user.id);
  return bucket < flag.rolloutPercentage * 100
    ? { on: true, reason: "rollout" }
    : { on: false, reason: "outside-rollout" };
}
