// Front door of the search feature: GET /api/search over the rooms a user may read and their own files.
export { createSearchRoutes } from "./search.routes";
