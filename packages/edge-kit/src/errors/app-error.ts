// AppError: an expected failure with a stable machine-readable code, rendered as RFC 9457 problem+json.

/** One field-level problem, as reported by schema validation. */
export interface FieldIssue {
  /** Where the problem is, e.g. `body.amount` or `query.limit`. */
  path: string;
  message: string;
}

export interface AppErrorOptions {
  /** Human-readable explanation specific to this occurrence. Shown to clients: never put internals here. */
  detail?: string | undefined;
  /** Field-level issues, for validation failures. */
  errors?: FieldIssue[] | undefined;
  /** Extra response headers (e.g. `Retry-After`, `Allow`). */
  headers?: Record<string, string> | undefined;
  /** The underlying error, for the logs only. */
  cause?: unknown;
}

/**
 * An error the application expects and can describe to the client. Anything that is not an AppError is
 * treated as a bug: the client sees a generic 500 and the log carries the cause.
 *
 * @example
 * throw new AppError(404, "counter-not-found", "No such counter", { detail: "Counter 'x' does not exist" });
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string | undefined;
  readonly errors?: FieldIssue[] | undefined;
  readonly headers?: Record<string, string> | undefined;

  constructor(status: number, code: string, title: string, options: AppErrorOptions = {}) {
    super(`${code}: ${options.detail ?? title}`, { cause: options.cause });
    this.name = "AppError";
    this.status = status;
    this.code = code;
    this.title = title;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Shorthands for the statuses the API uses most. */
export const errors = {
  badRequest: (detail?: string, errors?: FieldIssue[]) =>
    new AppError(400, "invalid-request", "The request is not valid", { detail, errors }),
  unauthorized: (detail = "Sign in to continue") =>
    new AppError(401, "unauthenticated", "Authentication required", { detail }),
  forbidden: (detail?: string) => new AppError(403, "forbidden", "Not allowed", { detail }),
  notFound: (detail?: string) => new AppError(404, "not-found", "Not found", { detail }),
  conflict: (code: string, detail?: string) => new AppError(409, code, "Conflict", { detail }),
  payloadTooLarge: (limitBytes: number) =>
    new AppError(413, "payload-too-large", "The request body is too large", {
      detail: `The body must not exceed ${limitBytes} bytes`,
    }),
  unsupportedMediaType: (expected = "application/json") =>
    new AppError(415, "unsupported-media-type", "Unsupported media type", {
      detail: `Send the body as ${expected}`,
    }),
  unavailable: (detail?: string, retryAfterSeconds?: number) =>
    new AppError(503, "unavailable", "Service unavailable", {
      detail,
      headers: retryAfterSeconds === undefined ? undefined : { "Retry-After": String(retryAfterSeconds) },
    }),
};
