// The Hono environment shared by every route: bindings from the generated Env, per-request variables.
import type { Logger } from "@outpost/edge-kit/context";

export type Role = "member" | "admin";

/** Who is calling, once the session middleware has authenticated the request. */
export interface Principal {
  /** Public id of the session (not the token, not its hash). */
  sessionId: string;
  userId: string;
  /** Role as of the session's last refresh; admin routes re-read it from D1. */
  role: Role;
  /** The user's session epoch when the session was made; D1 checks compare it with the current one. */
  epoch: number;
  /** How the credential arrived: cookie requests get CSRF checks, bearer requests do not need them. */
  via: "cookie" | "bearer";
}

export interface AppVariables {
  requestId: string;
  logger: Logger;
  /** Set by the session middleware when the request carries a valid session. */
  principal?: Principal;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
