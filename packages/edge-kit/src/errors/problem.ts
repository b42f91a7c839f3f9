// RFC 9457 problem details: the one shape every API error takes on the wire.
import { type AppError, type FieldIssue, isAppError } from "./app-error";
import { describeStatus } from "./status";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The problem+json body. `type` is a URN per code (RFC 9457 allows non-resolvable URIs). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  requestId?: string;
  errors?: FieldIssue[];
}

export function problemTypeFor(code: string): string {
  return `urn:outpost:problem:${code}`;
}

export interface ProblemContext {
  requestId?: string;
  instance?: string;
}

/** Builds the problem for an AppError. Its title, detail and field issues are safe to show by construction. */
export function problemFromAppError(error: AppError, context: ProblemContext = {}): Problem {
  return {
    type: problemTypeFor(error.code),
    title: error.title,
    status: error.status,
    code: error.code,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.errors === undefined ? {} : { errors: error.errors }),
    ...context,
  };
}

/** Builds a problem from a bare status, with an optional safe detail. */
export function problemFromStatus(status: number, context: ProblemContext = {}, detail?: string): Problem {
  const { code, title } = describeStatus(status);
  return {
    type: problemTypeFor(code),
    title,
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...context,
  };
}

/**
 * Any thrown value → a problem that is safe to send. Unknown errors become a generic 500: their message
 * and stack never reach the client (ASVS 5.0 16.5.1).
 */
export function toProblem(error: unknown, context: ProblemContext = {}): Problem {
  if (isAppError(error)) return problemFromAppError(error, context);
  return problemFromStatus(500, context, "An unexpected error occurred. Quote the request id when reporting it.");
}

/** The HTTP response for a problem. */
export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { ...headers, "Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store" },
  });
}
