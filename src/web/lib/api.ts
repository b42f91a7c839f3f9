// The UI's one way to call the API: JSON in and out, problem+json turned into a readable ApiError.

export interface ProblemBody {
  title?: string;
  detail?: string;
  code?: string;
  status?: number;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemBody;

  constructor(status: number, problem: ProblemBody) {
    super(describeProblem(status, problem));
    this.name = "ApiError";
    this.status = status;
    this.problem = problem;
  }
}

/** A sentence a person can read: the detail, the first field issue, and the request id to quote. */
export function describeProblem(status: number, problem: ProblemBody): string {
  const main = problem.detail ?? problem.title ?? `Request failed (${status})`;
  const field = problem.errors?.[0];
  const fieldText = field ? ` (${field.path.replace(/^(body|query|path)\./, "")}: ${field.message})` : "";
  const ref = status >= 500 && problem.requestId ? ` Reference: ${problem.requestId}.` : "";
  return `${main}${fieldText}.${ref}`.replace(/\.\.$/, ".");
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { detail: "Outpost cannot be reached. Check your connection and try again" });
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as ProblemBody;
    throw new ApiError(res.status, body);
  }
  // 204 No Content (a DELETE): nothing to parse.
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
