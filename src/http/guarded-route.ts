// One way to declare a route that needs a session: security, the guard middleware and the usual errors.
import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { AUTH_ERRORS, SESSION_SECURITY } from "./openapi";

type Guard = MiddlewareHandler<AppEnv>;

/** A route as a feature declares it: no `security`; `middleware` runs before the guard (e.g. a body limit). */
export type GuardedRouteConfig = Omit<RouteConfig, "security" | "middleware"> & {
  middleware?: readonly Guard[];
};

type Declared<R extends GuardedRouteConfig> = Omit<R, "middleware" | "responses"> & {
  security: Record<string, string[]>[];
  middleware: Guard[];
  responses: Omit<typeof AUTH_ERRORS, keyof R["responses"]> & R["responses"];
};

/**
 * Makes a route factory that stamps every route with the session security schemes, `guard` (after the
 * route's own middleware) and the 400/401/403/429 problem responses, which the route may override.
 *
 * @example
 * export const userRoute = guardedRoute(requireUser);
 * router.openapi(userRoute({ method: "get", path: "/api/me", responses: { 200: json(UserSchema, "Me") } }), handler);
 */
export function guardedRoute(guard: () => Guard) {
  return <R extends GuardedRouteConfig>(route: R) =>
    createRoute<R["path"], Declared<R>>({
      ...route,
      security: SESSION_SECURITY,
      middleware: [...(route.middleware ?? []), guard()],
      responses: { ...AUTH_ERRORS, ...route.responses },
    } as unknown as Declared<R>);
}
