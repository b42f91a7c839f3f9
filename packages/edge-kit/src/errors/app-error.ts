// AppError: an expected failure with a stable machine-readable code, rendered as RFC 9457 problem+json.
import { describeStatus } from "./status";

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

/** An AppError with its status's generic code and title (see describeStatus). */
function withStatus(status: number, options: AppErrorOptions = {}): AppError {
  const { code, title } = describeStatus(status);
  return new AppError(status, code, title, options);
}

/** Shorthands for the statuses the API uses most. */
export const errors = {
  badRequest: (detail?: string, errors?: FieldIssue[]) => withStatus(400, { detail, errors }),
  unauthorized: (detail = "Sign in to continue") => withStatus(401, { detail }),
  forbidden: (detail?: string) => withStatus(403, { detail }),
  notFound: (detail?: string) => withStatus(404, { detail }),
  conflict: (code: string, detail?: string) => new AppError(409, code, describeStatus(409).title, { detail }),
  payloadTooLarge: (limitBytes: number) => withStatus(413, { detail: `The body must not exceed ${limitBytes} bytes` }),
  unsupportedMediaType: (expected = "application/json") => withStatus(415, { detail: `Send the body as ${expected}` }),
  unavailable: (detail?: string, retryAfterSeconds?: number) =>
    withStatus(503, {
      detail,
      headers: retryAfterSeconds === undefined ? undefined : { "Retry-After": String(retryAfterSeconds) },
    }),
};
