// The UI's one way to talk to the API: the typed client, its error type, and the query client.
export { api, ok } from "./client";
export { ApiError, describeProblem, errorMessage, fieldLabel, isNotFound, OFFLINE, type Problem } from "./problem";
export { createQueryClient } from "./query-client";
