// Front door of the system feature: status, OpenAPI document and docs page routes.
export { createSystemRoutes, OPENAPI_INFO } from "./system.routes";
