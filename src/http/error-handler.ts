// The one place errors become responses: AppError → its problem, framework 4xx → a generic problem,
// anything else → 500 without internals, logged with the request id and the cause.

import { REQUEST_ID_HEADER } from "@outpost/edge-kit/context";
import {
  AppError,
  isAppError,
  type Problem,
  problemFromAppError,
  problemFromStatus,
  problemResponse,
  toProblem,
} from "@outpost/edge-kit/errors";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./app-env";

function contextOf(c: Context<AppEnv>) {
  return { requestId: c.get("requestId"), instance: c.req.path };
}

function respond(c: Context<AppEnv>, problem: Problem, headers: Record<string, string> = {}): Response {
  const requestId = c.get("requestId");
  return problemResponse(problem, requestId ? { ...headers, [REQUEST_ID_HEADER]: requestId } : headers);
}

/** Hono's own 4xx exceptions carry fixed, developer-written messages; map them to stable codes. */
function fromHttpException(error: HTTPException): AppError | undefined {
  if (error.status >= 500) return undefined;
  if (error.status === 400 && /malformed json/i.test(error.message)) {
    return new AppError(400, "malformed-json", "The body is not valid JSON", {
      detail: "Send a well-formed JSON document",
    });
  }
  if (error.status === 415) {
    return new AppError(415, "unsupported-media-type", "Unsupported media type", {
      detail: "This route accepts application/json bodies only",
    });
  }
  const generic = problemFromStatus(error.status);
  return new AppError(error.status, generic.code, generic.title);
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const logger = c.get("logger");
  if (isAppError(error)) {
    if (error.status >= 500) logger?.error("request failed", { code: error.code, error });
    return respond(c, problemFromAppError(error, contextOf(c)), error.headers);
  }
  if (error instanceof HTTPException) {
    const mapped = fromHttpException(error);
    if (mapped) return respond(c, problemFromAppError(mapped, contextOf(c)));
  }
  (logger ?? console).error("unhandled error", { method: c.req.method, path: c.req.path, error });
  return respond(c, toProblem(error, contextOf(c)));
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  respond(c, problemFromStatus(404, contextOf(c), `No route matches ${c.req.method} ${c.req.path}`));

/** For Hono's methodNotAllowed middleware: a 405 problem with the Allow header. */
export function onMethodNotAllowed(c: Context<AppEnv>, methods: string[]): Response {
  return respond(c, problemFromStatus(405, contextOf(c), `Use one of: ${methods.join(", ")}`), {
    Allow: methods.join(", "),
  });
}
