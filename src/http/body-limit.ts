// Middleware: request bodies above the configured limit are refused with 413 before a handler reads them.

import { errors } from "@outpost/edge-kit/errors";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getConfig } from "../config";
import type { AppEnv } from "./app-env";

export interface BodyLimitOptions {
  /** Requests that stream large bodies under their own, larger limit (file uploads). */
  exempt?: (method: string, path: string) => boolean;
}

export function requestBodyLimit(options: BodyLimitOptions = {}): MiddlewareHandler<AppEnv> {
  const byLimit = new Map<number, MiddlewareHandler>();
  return (c, next) => {
    if (options.exempt?.(c.req.method, c.req.path)) return next();
    const maxSize = getConfig(c.env).MAX_BODY_BYTES;
    let handler = byLimit.get(maxSize);
    if (!handler) {
      handler = bodyLimit({
        maxSize,
        onError: () => {
          throw errors.payloadTooLarge(maxSize);
        },
      });
      byLimit.set(maxSize, handler);
    }
    return handler(c, next);
  };
}
