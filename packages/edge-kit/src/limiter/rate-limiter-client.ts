// A typed client for the RateLimiter Durable Object: one object per (scope, key), the policy sent with each call.
import type { RatePolicy } from "../pacing/gcra";
import type { LimitResult, RateLimiter } from "./rate-limiter";

export interface RateLimiterOptions {
  /** The Durable Object namespace bound to `RateLimiter` (for example `env.RATE_LIMITER`). */
  namespace: DurableObjectNamespace<RateLimiter>;
  /** Prefix of every object name, so that one key limited by two policies keeps two buckets (default ""). */
  scope?: string;
}

export interface RateLimiterClient {
  /** Takes `cost` tokens (default 1) from `key`'s bucket under `policy`; never throws for a refusal. */
  consume(key: string, policy: RatePolicy, cost?: number): Promise<LimitResult>;
  /** Gives back `cost` tokens (default 1) an earlier `consume` took; false for an invalid policy or cost. */
  refund(key: string, policy: RatePolicy, cost?: number): Promise<boolean>;
}

/**
 * Exact under concurrency: every call for one key goes to the one object that owns it.
 *
 * @example
 * const limiter = createRateLimiter({ namespace: env.RATE_LIMITER, scope: "api" });
 * const { allowed, retryAfterMs } = await limiter.consume(`ip:${ip}`, { limit: 60, periodMs: 60_000 });
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiterClient {
  const prefix = options.scope ? `${options.scope}:` : "";
  const stub = (key: string) => options.namespace.get(options.namespace.idFromName(`${prefix}${key}`));
  return {
    consume: (key, policy, cost = 1) => stub(key).consume(policy, cost),
    refund: (key, policy, cost = 1) => stub(key).refund(policy, cost),
  };
}
