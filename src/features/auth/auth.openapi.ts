// OpenAPI fragments shared by the account routes: security schemes and the usual error responses.
import { problem } from "../../http/problem-schema";

/** Either credential works: the `__Host-outpost_session` cookie or `Authorization: Bearer <token>`. */
export const SESSION_SECURITY: Record<string, string[]>[] = [{ sessionCookie: [] }, { bearerToken: [] }];

export const AUTH_ERRORS = {
  400: problem("The request is not valid"),
  401: problem("Not signed in, or the session has ended"),
  403: problem("Refused: cross-site request, or not allowed for this account"),
  429: problem("Too many requests; see Retry-After"),
} as const;

export const json = <T>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
