// CSRF defence for cookie-authenticated unsafe requests: a first-party Origin and a JSON body, or 403/415.

import { AppError } from "@outpost/edge-kit/errors";
import type { MiddlewareHandler } from "hono";
import { getConfig } from "../../config";
import type { AppEnv } from "../../http/app-env";
import { classifyOrigin } from "../../http/origin-policy";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|$)/i;

export interface CsrfOptions {
  /** Paths whose bodies are not JSON by design (file uploads); they still need a first-party Origin. */
  rawBodyPaths?: (path: string) => boolean;
}

/**
 * SameSite=Lax already keeps the cookie off most cross-site requests; this closes the rest (ASVS 5.0
 * 3.5.1–3.5.3). Hono's csrf() only inspects form content types and lets a cross-origin JSON POST through
 * by design, so this checks every unsafe method. Bearer requests carry no ambient credential: exempt.
 */
export function csrfProtection(options: CsrfOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.get("principal");
    if (principal?.via !== "cookie" || !UNSAFE.has(c.req.method)) return next();

    const origin = c.req.header("Origin");
    const verdict = classifyOrigin(origin, c.req.url, getConfig(c.env).ALLOWED_ORIGINS);
    const sameSiteFetch = c.req.header("Sec-Fetch-Site") === "same-origin";
    if (verdict === "refused" || (verdict === "none" && !sameSiteFetch)) {
      throw new AppError(403, "csrf-rejected", "Cross-site request refused", {
        detail: "Requests that use the session cookie must come from Outpost's own pages",
      });
    }

    const type = c.req.header("Content-Type");
    const hasBody = type !== undefined || (c.req.header("Content-Length") ?? "0") !== "0";
    if (hasBody && !JSON_TYPE.test(type ?? "") && !options.rawBodyPaths?.(c.req.path)) {
      throw new AppError(415, "unsupported-media-type", "Unsupported media type", {
        detail: "Send the body as application/json",
      });
    }
    return next();
  };
}
