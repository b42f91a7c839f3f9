// Takes tokens from a key's bucket under a configured policy: the one call every limited path makes.

import { AppError } from "@outpost/edge-kit/errors";
import type { LimitResult } from "@outpost/edge-kit/limiter";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { recordMetric } from "../../http/metrics";
import { FAILURE_POLICIES, getRatePolicies, type PolicyName } from "./limits.config";

/** What the limiter needs from the environment: the namespace, and the optional RATE_LIMITS var. */
interface LimitBindings {
  RATE_LIMITER: Env["RATE_LIMITER"];
  RATE_LIMITS?: string;
}

/** Told of every refusal, e.g. to count 429s per policy for the admin metrics. */
export type RefusalListener = (policy: PolicyName) => void;

/** The limiter's answer; `unmetered` when the limiter could not be asked and the policy fails open. */
export type LimitAnswer = LimitResult & { unmetered?: true };

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
): Promise<LimitAnswer> {
  const c = "req" in target ? target : undefined;
  const env = "req" in target ? target.env : target;
  const policy = getRatePolicies(env)[policyName];
  let result: LimitResult;
  try {
    result = await limiterStub(env, policyName, key).consume(policy, cost);
  } catch (error) {
    return limiterUnavailable(c, policyName, policy.limit, error);
  }
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

/**
 * Gives back `cost` tokens that `consumeLimit` took from `key` under `policyName` (e.g. a sign-in attempt
 * that turned out not to be a failure). Best effort: a limiter that cannot be reached keeps the token, and
 * that is logged, never thrown, since the request itself has already succeeded.
 *
 * @example
 * await refundLimit(c, "login-client", key);
 */
export async function refundLimit(
  target: LimitBindings | Context<AppEnv>,
  policyName: PolicyName,
  key: string,
  cost = 1,
): Promise<void> {
  const c = "req" in target ? target : undefined;
  const env = "req" in target ? target.env : target;
  try {
    await limiterStub(env, policyName, key).refund(getRatePolicies(env)[policyName], cost);
  } catch (error) {
    c?.get("logger")?.warn("rate limiter unavailable: refund lost", { policy: policyName, error });
  }
}

/** One object per policy and key: a key limited by two policies keeps two separate buckets. */
function limiterStub(env: LimitBindings, policyName: PolicyName, key: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`${policyName}:${key}`));
}

/**
 * The RateLimiter object could not be called (overloaded, reset, unreachable). Each policy says what then
 * happens (see FAILURE_POLICIES): "open" admits the request without RateLimit-* headers, "closed" answers
 * 503 `rate-limiter-unavailable` with Retry-After. Either way it is logged and counted as the metric
 * `ratelimit-unavailable:<policy>`, so an outage that lets traffic through unmetered is visible.
 */
function limiterUnavailable(
  c: Context<AppEnv> | undefined,
  policyName: PolicyName,
  limit: number,
  error: unknown,
): LimitAnswer {
  const failure = FAILURE_POLICIES[policyName];
  c?.get("logger")?.error("rate limiter unavailable", { policy: policyName, failure, error });
  recordMetric(`ratelimit-unavailable:${policyName}`);
  if (failure === "open") {
    return { allowed: true, limit, remaining: limit, resetAfterMs: 0, retryAfterMs: 0, unmetered: true };
  }
  throw new AppError(503, "rate-limiter-unavailable", "Service temporarily unavailable", {
    detail: `Please try again in ${LIMITER_RETRY_AFTER_S} s`,
    headers: { "Retry-After": String(LIMITER_RETRY_AFTER_S) },
  });
}

/** Retry-After of a fail-closed 503: long enough for a reset object to come back, short for a person. */
export const LIMITER_RETRY_AFTER_S = 5;
