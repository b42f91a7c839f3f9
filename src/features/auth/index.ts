// Front door of the auth feature: the guards and route factories other features declare routes with,
// the caller's account, and the account routes for the app.

export { createAuthRoutes } from "./auth.routes";
export { normaliseEmail } from "./auth.schema";
export { csrfProtection } from "./csrf.middleware";
export { adminRoute, currentAccount, requireAdmin, requireUser, userRoute } from "./guards";
export { authenticate, sessionStore, userService } from "./session.middleware";
export { type EndedSessions, onSessionsEnded } from "./session-revocation";
export { createSessionRoutes } from "./sessions.routes";
export { createUserRoutes } from "./users.routes";
