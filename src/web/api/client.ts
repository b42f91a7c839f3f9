// The web app's API client: openapi-fetch typed by openapi.d.ts, which scripts/api-types.mjs generates from the
// Worker's own /api/openapi.json (and `npm run lint` checks is current). Paths, parameters, bodies and answers
// are all typed by the routes' zod schemas, so a changed schema breaks `npm run typecheck`, not the user.
import createClient from "openapi-fetch";
import type { paths } from "./openapi";
import { ApiError, type Problem } from "./problem";

/** fetch, with "no answer at all" turned into an ApiError(0) whose message a person can read. */
async function fetchOrOffline(input: Request): Promise<Response> {
  try {
    return await fetch(input);
  } catch (e) {
    if (input.signal.aborted) throw e;
    throw new ApiError(0, {});
  }
}

export const api = createClient<paths>({ credentials: "same-origin", fetch: fetchOrOffline });

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * The answer's body, or an ApiError carrying the problem+json (with a sentence a person can read).
 * `const rooms = await ok(api.GET("/api/rooms"))`.
 */
export async function ok<T>(pending: Promise<Result<T>>): Promise<T> {
  const { data, error, response } = await pending;
  if (!response.ok) {
    const problem: Problem = error && typeof error === "object" ? (error as Problem) : {};
    throw new ApiError(response.status, problem);
  }
  // 204 No Content (a DELETE): there is no body, and the route's type says so.
  return data as T;
}
