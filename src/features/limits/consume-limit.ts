// Takes tokens from a key's bucket under a configured policy: the one call every limited path makes.

import { AppError } from "@outpost/edge-kit/errors";
import type { LimitResult } from "@outpost/edge-kit/limiter";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { getRatePolicies, type PolicyName } from "./limits.config";

/** What the limiter needs from the environment: the namespace, and the optional RATE_LIMITS var. */
interface LimitBindings {
  RATE_LIMITER: Env["RATE_LIMITER"];
  RATE_LIMITS?: string;
}

/** Told of every refusal, e.g. to count 429s per policy for the admin metrics. */
export type RefusalListener = (policy: PolicyName) => void;

export interface RateLimitOptions {
  policy: PolicyName;
  /** The bucket a request counts against; null = do not limit it. Default: `defaultLimitKey`. */
  key?: (c: Context<AppEnv>) => string | null;
  /** Tokens a request takes, for routes dearer than the average (default 1). */
  cost?: number;
  onRefusal?: RefusalListener;
}

/** The standard headers for a limiter answer (IETF draft "RateLimit header fields for HTTP"). */
export function rateLimitHeaders(result: LimitResult): Record<string, string> {
  return {
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(result.remaining),
    "RateLimit-Reset": String(Math.ceil(result.resetAfterMs / 1000)),
  };
}

/**
 * Takes `cost` tokens from `key`'s bucket under the configured policy `policyName`, before any expensive
 * work (e.g. per account before hashing a login password). Returns the limiter's answer when admitted;
 * throws a 429 AppError (problem+json with Retry-After and RateLimit-* headers) when refused. Pass the
 * request's context rather than its env to have the refusal logged with the request id.
 *
 * @example
 * await consumeLimit(c.env, "login-account", `account:${email}`);
 */
export async function consumeLimit(
  target: LimitBindings | Context<AppEnv>,
  policyName: PolicyName,
  key: string,
  cost = 1,
  onRefusal?: RefusalListener,
): Promise<LimitResult> {
  const c = "req" in target ? target : undefined;
  const env = "req" in target ? target.env : target;
  const policy = getRatePolicies(env)[policyName];
  // One object per policy and key: a key limited by two policies keeps two separate buckets.
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${policyName}:${key}`));
  const result = await stub.consume(policy, cost);
  if (result.invalid) throw new Error(`RateLimiter refused the call: invalid ${result.invalid} for "${policyName}"`);
  if (result.allowed) return result;

  // The key can hold an email address (login per account): log the policy only.
  c?.get("logger")?.info("rate limited", { policy: policyName });
  onRefusal?.(policyName);
  const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
  throw new AppError(429, "rate-limited", "Too many requests", {
    detail: `Too many requests: try again in ${retryAfter} s`,
    headers: { ...rateLimitHeaders(result), "Retry-After": String(retryAfter) },
  });
}
