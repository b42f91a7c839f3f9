// Front door of the admin feature: the admin routes and the Metrics Durable Object.
export { createAdminRoutes } from "./admin.routes";
export { Metrics } from "./metrics";
