// RFC 9457 problem details: the one shape every API error takes on the wire.
import { type AppError, type FieldIssue, isAppError } from "./app-error";

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

const STATUS_TITLES: Record<number, [code: string, title: string]> = {
  400: ["invalid-request", "The request is not valid"],
  401: ["unauthenticated", "Authentication required"],
  403: ["forbidden", "Not allowed"],
  404: ["not-found", "Not found"],
  405: ["method-not-allowed", "Method not allowed"],
  408: ["request-timeout", "Request timeout"],
  409: ["conflict", "Conflict"],
  413: ["payload-too-large", "The request body is too large"],
  415: ["unsupported-media-type", "Unsupported media type"],
  422: ["unprocessable", "The request cannot be processed"],
  429: ["rate-limited", "Too many requests"],
  500: ["internal", "Internal error"],
  503: ["unavailable", "Service unavailable"],
};

export function problemTypeFor(code: string): string {
  return `urn:outpost:problem:${code}`;
}

/** The generic code and title for a status, for errors that carry nothing better. */
export function describeStatus(status: number): { code: string; title: string } {
  const known = STATUS_TITLES[status];
  if (known) return { code: known[0], title: known[1] };
  return status >= 500 ? { code: "internal", title: "Internal error" } : { code: "error", title: "Request failed" };
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
