// Rate limiting for routes: per user when signed in, per client IP otherwise, with RateLimit-* headers.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../kit/errors";
import { CLIENT_IP_HEADER, clientIpKey } from "./client-ip";
import { getRatePolicies, type PolicyName } from "./limits.config";
import type { LimitResult } from "./rate-limiter";

export { CLIENT_IP_HEADER, clientIp, clientIpKey, normaliseClientIp } from "./client-ip";

/** What the limiter needs from the environment: the namespace, and the optional RATE_LIMITS var. */
export interface LimitBindings {
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

/**
 * The default bucket: the signed-in user (so people sharing an address are not limited together), else the
 * client IP from CF-Connecting-IP (/64 for IPv6), else none.
 */
export function defaultLimitKey(c: Context<AppEnv>): string | null {
  const principal = c.get("principal");
  if (principal) return `user:${principal.userId}`;
  return clientIpKey(c.req.header(CLIENT_IP_HEADER));
}

/**
 * Limits every method (the seeds limited GET only) and puts RateLimit-* headers on the response.
 * A request with neither a session nor a client IP is let through with a warning rather than pooled with
 * every other such request into one shared bucket, which anyone could exhaust for everyone. Cloudflare's
 * edge sets CF-Connecting-IP on every request, so this happens only off Cloudflare (local tools, tests).
 *
 * @example
 * app.use("/api/*", rateLimit({ policy: "api", onRefusal: (policy) => recordMetric(`ratelimit:${policy}`) }));
 */
export function rateLimit(options: PolicyName | RateLimitOptions): MiddlewareHandler<AppEnv> {
  const {
    policy,
    key = defaultLimitKey,
    cost = 1,
    onRefusal,
  } = typeof options === "string" ? { policy: options } : options;
  return async (c, next) => {
    const limitKey = key(c);
    if (!limitKey) {
      c.get("logger")?.warn("rate limit skipped: no key for this request", {
        policy,
        path: c.req.path,
        signedIn: c.get("principal") !== undefined,
        ipHeader: c.req.header(CLIENT_IP_HEADER) === undefined ? "missing" : "malformed",
      });
      return next();
    }
    const result = await consumeLimit(c, policy, limitKey, cost, onRefusal);
    await next();
    // A 101 carries the WebSocket: re-wrapping it to add headers would drop the socket. A stricter limit
    // further in (e.g. login per account) may have answered already: its headers are the ones that matter.
    if (c.res.status === 101 || c.res.headers.has("RateLimit-Limit")) return;
    for (const [name, value] of Object.entries(rateLimitHeaders(result))) c.header(name, value);
  };
}
