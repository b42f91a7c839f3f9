// The Hono environment shared by every route: bindings from the generated Env, per-request variables.
import type { Logger } from "../kit/context";

export interface AppVariables {
  requestId: string;
  logger: Logger;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
