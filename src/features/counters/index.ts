// Front door of the counters feature: the Counter Durable Object and its routes.
export { Counter } from "./counter";
export { createCounterRoutes } from "./counters.routes";
