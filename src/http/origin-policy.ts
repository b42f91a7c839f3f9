// Cross-origin policy: CORS only for allow-listed origins, and a clear 403 for the rest (design.md §3).

import { AppError } from "@outpost/edge-kit/errors";
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { getConfig } from "../config";
import type { AppEnv } from "./app-env";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export type OriginVerdict = "none" | "same-origin" | "allowed" | "refused";

/** How a request's Origin relates to this Worker and the allow-list. */
export function classifyOrigin(
  origin: string | undefined,
  requestUrl: string,
  allowList: readonly string[],
): OriginVerdict {
  if (!origin) return "none";
  if (origin === new URL(requestUrl).origin) return "same-origin";
  return allowList.includes(origin) ? "allowed" : "refused";
}

/**
 * Allowed cross-origin callers get exact-echo CORS with credentials and `Vary: Origin`. A refused origin
 * gets no CORS headers at all, and its preflights and unsafe requests are answered 403 before any handler
 * runs, so a foreign page can neither read nor change anything.
 */
export function originPolicy(): MiddlewareHandler<AppEnv> {
  const corsFor = new WeakMap<readonly string[], MiddlewareHandler>();
  return async (c, next) => {
    const allowList = getConfig(c.env).ALLOWED_ORIGINS;
    const origin = c.req.header("Origin");
    const verdict = classifyOrigin(origin, c.req.url, allowList);
    if (verdict === "refused") {
      if (c.req.method === "OPTIONS" || UNSAFE_METHODS.has(c.req.method)) {
        throw new AppError(403, "origin-not-allowed", "Origin not allowed", {
          detail: "This origin may not call the Outpost API",
        });
      }
      await next();
      c.header("Vary", "Origin", { append: true });
      return;
    }
    if (verdict !== "allowed") {
      await next();
      return;
    }
    let handler = corsFor.get(allowList);
    if (!handler) {
      handler = cors({
        origin: (candidate) => (allowList.includes(candidate) ? candidate : null),
        credentials: true,
        allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
        allowHeaders: ["Content-Type", "Authorization", "X-Request-Id", "If-None-Match", "If-Match", "Range"],
        exposeHeaders: [
          "X-Request-Id",
          "RateLimit-Limit",
          "RateLimit-Remaining",
          "RateLimit-Reset",
          "Retry-After",
          "ETag",
        ],
        maxAge: 600,
      });
      corsFor.set(allowList, handler);
    }
    return handler(c, next);
  };
}
