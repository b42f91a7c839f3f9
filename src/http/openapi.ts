// OpenAPI fragments shared by every feature: the session security schemes, JSON bodies, the usual errors.
import { problem } from "./problem-schema";

export { COMMON_ERRORS, ProblemSchema, problem } from "./problem-schema";

/** Either credential works: the `__Host-outpost_session` cookie or `Authorization: Bearer <token>`. */
export const SESSION_SECURITY: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];

export const AUTH_ERRORS = {
  400: problem("The request is not valid"),
  401: problem("Not signed in, or the session has ended"),
  403: problem("Refused: cross-site request, or not allowed for this account"),
  429: problem("Too many requests; see Retry-After"),
} as const;

/** A documented JSON body: `json(UserSchema, "The signed-in user")`. */
export const json = <T>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
