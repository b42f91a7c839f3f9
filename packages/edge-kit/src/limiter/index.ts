// Exact rate limits in a Durable Object: one GCRA row per key, and a typed client over its namespace.

export type { RatePolicy } from "../pacing/gcra";
export { type LimitResult, RateLimiter } from "./rate-limiter";
export { createRateLimiter, type RateLimiterClient, type RateLimiterOptions } from "./rate-limiter-client";
