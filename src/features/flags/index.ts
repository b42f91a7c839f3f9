// Front door of the flags feature: the app's flag store and the flag routes.
export { flagStore } from "./flag-store";
export { createFlagRoutes } from "./flags.routes";
