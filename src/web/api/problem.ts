// Refusals from the API, as people read them. The server answers every error as RFC 9457 problem+json with a
// stable `code`, a `title`, often a `detail`, and for validation failures a list of field `errors`.

export interface Problem {
  title?: string;
  detail?: string;
  code?: string;
  status?: number;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

/** The sentence shown when Outpost cannot be reached at all (no HTTP answer). */
export const OFFLINE = "Outpost cannot be reached. Check your connection and try again.";

const sentence = (text: string) => {
  const trimmed = text.trim();
  if (!trimmed) return "";
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
};

/** "body.password.current" → "current password"; "body.displayName" → "display name". */
export function fieldLabel(path: string): string {
  const parts = path
    .replace(/^(body|query|path|param|header)\.?/, "")
    .split(".")
    .filter((p) => p && !/^\d+$/.test(p));
  const words = parts
    .reverse()
    .map((p) => p.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase())
    .join(" ");
  return words || "this field";
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(describeProblem(status, problem));
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }

  get code(): string | undefined {
    return this.problem.code;
  }

  /** Field errors keyed by the field's last path segment(s), e.g. { current: "is incorrect" } for body.password.current. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const key = e.path.replace(/^(body|query|path|param|header)\.?/, "");
      out[key] ??= sentence(`${fieldLabel(e.path)} ${e.message}`);
    }
    return out;
  }
}

/**
 * A human sentence for a refusal: the title, then the detail where it adds something, then each field problem
 * written out ("Current password is incorrect."), and for a server fault the reference to quote.
 */
export function describeProblem(status: number, problem: Problem): string {
  if (status === 0) return OFFLINE;
  const parts: string[] = [];
  const fields = (problem.errors ?? []).slice(0, 3).map((e) => sentence(`${fieldLabel(e.path)} ${e.message}`));
  const title = problem.title?.trim();
  const detail = problem.detail?.trim();
  // A validation refusal's own title and detail ("The request is not valid. One or more fields are invalid.")
  // say less than its field problems, which are shown alone.
  if (fields.length === 0 || problem.code !== "invalid-request") {
    if (title) parts.push(sentence(title));
    if (detail && detail.toLowerCase() !== title?.toLowerCase()) parts.push(sentence(detail));
  }
  parts.push(...fields);
  if (parts.length === 0) parts.push(status >= 500 ? "Something went wrong on our side." : "That did not work.");
  if (status >= 500)
    parts.push(problem.requestId ? `Please try again. Reference: ${problem.requestId}.` : "Please try again.");
  return parts.join(" ");
}

/** The sentence to show for anything thrown: an ApiError's description, else the error's message. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}
