// The problem+json schema, for documenting error responses in OpenAPI.
import { z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE } from "@outpost/edge-kit/errors";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:outpost:problem:invalid-request" }),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: "invalid-request" }),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** A documented error response: `problem(404, "No such counter")`. */
export function problem(description: string) {
  return { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } };
}

/** Errors any route can answer with. */
export const COMMON_ERRORS = {
  400: problem("The request is not valid"),
  500: problem("Unexpected failure; the body carries the request id"),
} as const;
