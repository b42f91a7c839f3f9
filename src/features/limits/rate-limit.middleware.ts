// Rate limiting for routes: per user when signed in, per client IP otherwise, with RateLimit-* headers.
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../http/app-env";
import { CLIENT_IP_HEADER, clientIpKey } from "./client-ip";
import { consumeLimit, type RateLimitOptions, rateLimitHeaders } from "./consume-limit";

import type { PolicyName } from "./limits.config";

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
    // An unmetered answer (the limiter was unreachable and the policy fails open) has no figures to report.
    if (c.res.status === 101 || c.res.headers.has("RateLimit-Limit") || result.unmetered) return;
    for (const [name, value] of Object.entries(rateLimitHeaders(result))) c.header(name, value);
  };
}
