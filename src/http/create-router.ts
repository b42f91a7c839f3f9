// Every feature's routes are an OpenAPIHono sub-app built here, so validation failures look the same everywhere.
import { OpenAPIHono } from "@hono/zod-openapi";
import { AppError, type FieldIssue } from "@outpost/edge-kit/errors";
import type { ZodError } from "zod";
import type { AppEnv } from "./app-env";

const TARGET_PREFIX: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

/** zod issues → field issues a client can act on (no internal values echoed back). */
function toFieldIssues(error: ZodError, target: string): FieldIssue[] {
  const prefix = TARGET_PREFIX[target] ?? target;
  return error.issues.slice(0, 20).map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError(400, "invalid-request", "The request is not valid", {
          detail: "One or more fields are invalid",
          errors: toFieldIssues(result.error, result.target),
        });
      }
    },
  });
}
