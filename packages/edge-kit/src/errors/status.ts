// The generic problem code and title for each HTTP status the API answers with: one table for every error.

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

/** The generic code and title for a status, for errors that carry nothing better. */
export function describeStatus(status: number): { code: string; title: string } {
  const known = STATUS_TITLES[status];
  if (known) return { code: known[0], title: known[1] };
  return status >= 500 ? { code: "internal", title: "Internal error" } : { code: "error", title: "Request failed" };
}
