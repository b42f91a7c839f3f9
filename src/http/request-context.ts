// Middleware: request id in and out, a per-request JSON logger, and the AsyncLocalStorage context.

import {
  createLogger,
  createRequestContext,
  isLogLevel,
  REQUEST_ID_HEADER,
  resolveRequestId,
  runWithContext,
} from "@outpost/edge-kit/context";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";

export function requestContext(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const startedAt = Date.now();
    const requestId = resolveRequestId(c.req.header(REQUEST_ID_HEADER));
    const level = isLogLevel(c.env?.LOG_LEVEL) ? c.env.LOG_LEVEL : "info";
    const logger = createLogger({ level, fields: { requestId } });
    c.set("requestId", requestId);
    c.set("logger", logger);

    await runWithContext(createRequestContext(requestId, logger, startedAt), () => next());

    // A 101 carries the WebSocket; re-wrapping it to add a header would drop the socket.
    if (c.res.status !== 101) c.header(REQUEST_ID_HEADER, requestId);
    logger.info("request", {
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Date.now() - startedAt,
    });
  };
}
