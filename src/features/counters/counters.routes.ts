// Counter routes: the seeds' `/counter/:name` shape, validated, on the Counter Durable Object's RPC.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { COMMON_ERRORS, problem } from "../../http/problem-schema";
import { userRoute } from "../auth";
import type { Counter } from "./counter";
import {
  AmountSchema,
  CounterActionSchema,
  CounterNameSchema,
  type CounterResult,
  CounterStepBodySchema,
  CounterValueSchema,
} from "./counters.schema";

const okValue = { description: "The counter's value", content: { "application/json": { schema: CounterValueSchema } } };

/**
 * Runs one call on the counter's Durable Object. The object failing (overloaded, reset by a deploy,
 * unreachable) is an outage, not a bug in the request: 503 `counter-unavailable` with Retry-After, logged
 * with its cause by the error handler, instead of a 500.
 */
async function onCounter<T>(env: Env, name: string, call: (stub: DurableObjectStub<Counter>) => Promise<T>) {
  try {
    return await call(env.COUNTER.get(env.COUNTER.idFromName(name)));
  } catch (error) {
    throw new AppError(503, "counter-unavailable", "Counter temporarily unavailable", {
      detail: "Try again in a few seconds",
      headers: { "Retry-After": "5" },
      cause: error,
    });
  }
}

function unwrap(name: string, result: CounterResult) {
  if (!result.ok && result.reason === "invalid-step") {
    throw errors.badRequest("amount must be a whole number from 1 to 1000");
  }
  if (!result.ok) {
    throw new AppError(409, "counter-overflow", "The counter cannot go further", {
      detail: `Counter '${name}' would leave the range of exact integers`,
    });
  }
  return { name, value: result.value };
}

/** Mounts the counter routes under `base` (`/counter` for the seeds' clients, `/api/counters` for the UI). */
export function createCounterRoutes(base: string): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: "get",
      path: `${base}/{name}`,
      tags: ["counters"],
      summary: "Read a counter (0 if it was never changed)",
      request: { params: z.object({ name: CounterNameSchema }) },
      responses: { 200: okValue, ...COMMON_ERRORS, 503: problem("The counter cannot be reached; retry later") },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      return c.json({ name, value: await onCounter(c.env, name, (stub) => stub.get()) }, 200);
    },
  );

  // Writes need a session (401 otherwise), so the per-user `api` limit applies to them, and cookie writes
  // pass the CSRF check; reads stay public.
  router.openapi(
    userRoute({
      method: "post",
      path: `${base}/{name}/{action}`,
      tags: ["counters"],
      summary: "Increment, decrement or reset a counter (signed in)",
      description:
        "`amount` (1–1000, default 1) applies to increment and decrement, from the query string or a JSON body. " +
        "Exact under concurrency. Needs a session: anonymous writes get 401.",
      request: {
        params: z.object({ name: CounterNameSchema, action: CounterActionSchema }),
        query: z.object({ amount: AmountSchema }),
        body: { content: { "application/json": { schema: CounterStepBodySchema } }, required: false },
      },
      responses: {
        200: okValue,
        ...COMMON_ERRORS,
        409: problem("The value would leave the exact-integer range"),
        503: problem("The counter cannot be reached; retry later"),
        413: problem("The body is larger than the configured limit"),
        415: problem("The body is not application/json"),
      },
    }),
    async (c) => {
      const { name, action } = c.req.valid("param");
      const fromQuery = c.req.valid("query").amount;
      const fromBody = c.req.valid("json").amount;
      if (fromQuery !== undefined && fromBody !== undefined) {
        throw errors.badRequest("Give amount either in the query string or in the body, not both");
      }
      const amount = fromQuery ?? fromBody ?? 1;
      const result: CounterResult = await onCounter(c.env, name, async (stub): Promise<CounterResult> => {
        if (action === "increment") return stub.increment(amount);
        if (action === "decrement") return stub.decrement(amount);
        return stub.reset();
      });
      return c.json(unwrap(name, result), 200);
    },
  );

  return router;
}
