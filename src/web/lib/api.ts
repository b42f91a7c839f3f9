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

/** Sends a request; no answer at all, or a refusal, becomes an ApiError with a sentence to show. */
async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, { detail: "Outpost cannot be reached. Check your connection and try again" });
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as ProblemBody;
    throw new ApiError(res.status, body);
  }
  return res;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  const res = await send(path, { ...init, headers });
  // 204 No Content (a DELETE): nothing to parse.
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A request whose answer is not read (a DELETE answered 204); a refusal is thrown as an ApiError. */
export async function request(path: string, method: string): Promise<void> {
  await send(path, { method });
}

/** Whether `e` is the API saying there is no such thing (or none this user may see): a 404. */
export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404;
}

/** The sentence to show for anything thrown: an Error's message (an ApiError's is readable), else its text. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
