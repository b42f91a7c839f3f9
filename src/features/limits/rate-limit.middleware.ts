// Rate limiting for routes: per user when signed in, per client IP otherwise, with RateLimit-* headers.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../http/app-env";
import { AppError } from "../../kit/errors";
import { clientIpKey } from "./client-ip";
import { type PolicyName, ratePolicies } from "./limits.config";
import type { LimitResult } from "./rate-limiter";

export { clientIpKey } from "./client-ip";

/** Refusals are counted for the admin metrics; the app wires this to the Metrics object. */
export type RefusalListener = (c: Context<AppEnv>, policy: PolicyName) => void;
let onRefusal: RefusalListener | undefined;
export function setRefusalListener(listener: RefusalListener | undefined): void {
  onRefusal = listener;
}

function headersFor(result: LimitResult): Record<string, string> {
  return {
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(result.remaining),
    "RateLimit-Reset": String(Math.ceil(result.resetAfterMs / 1000)),
  };
}

/**
 * Takes one token for `key` under the named policy; throws a 429 AppError (problem+json with Retry-After)
 * when refused, and returns the headers to put on an admitted response.
 */
export async function consumeLimit(
  c: Context<AppEnv>,
  policyName: PolicyName,
  key: string,
  cost = 1,
): Promise<Record<string, string>> {
  const policy = ratePolicies(c.env.RATE_LIMITS)[policyName];
  const stub = c.env.RATE_LIMITER.get(c.env.RATE_LIMITER.idFromName(`${policyName}:${key}`));
  const result = await stub.consume(policy, cost);
  const headers = headersFor(result);
  if (!result.allowed) {
    onRefusal?.(c, policyName);
    const retryAfter = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    throw new AppError(429, "rate-limited", "Too many requests", {
      detail: `Try again in ${retryAfter} s`,
      headers: { ...headers, "Retry-After": String(retryAfter) },
    });
  }
  return headers;
}

/** The default key: the signed-in user, else the client IP (/64 for IPv6), else none. */
export function defaultLimitKey(c: Context<AppEnv>): string | null {
  const principal = c.get("principal");
  if (principal) return `user:${principal.userId}`;
  return clientIpKey(c.req.header("CF-Connecting-IP"));
}

/**
 * Limits every method (the seeds limited GET only). A request with neither a session nor a client IP is
 * not limited rather than pooled with every other such request into one shared bucket; on Cloudflare every
 * request has CF-Connecting-IP, so this only happens in local tools.
 */
export function rateLimit(
  policy: PolicyName,
  key: (c: Context<AppEnv>) => string | null = defaultLimitKey,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const limitKey = key(c);
    if (!limitKey) {
      c.get("logger")?.debug("rate limit skipped: no principal and no client IP");
      return next();
    }
    const headers = await consumeLimit(c, policy, limitKey);
    await next();
    // A stricter limit further in (e.g. sign-in per account) may have answered already: its headers win.
    if (c.res.status === 101 || c.res.headers.has("RateLimit-Limit")) return;
    for (const [name, value] of Object.entries(headers)) c.header(name, value);
  };
}
