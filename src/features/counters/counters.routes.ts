// Counter routes: the seeds' `/counter/:name` shape, validated, on the Counter Durable Object's RPC.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { COMMON_ERRORS, problem } from "../../http/problem-schema";
import {
  AmountSchema,
  CounterActionSchema,
  CounterNameSchema,
  type CounterResult,
  CounterStepBodySchema,
  CounterValueSchema,
} from "./counters.schema";

const okValue = { description: "The counter's value", content: { "application/json": { schema: CounterValueSchema } } };

function counterStub(env: Env, name: string) {
  return env.COUNTER.get(env.COUNTER.idFromName(name));
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
      responses: { 200: okValue, ...COMMON_ERRORS },
    }),
    async (c) => {
      const { name } = c.req.valid("param");
      return c.json({ name, value: await counterStub(c.env, name).get() }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: "post",
      path: `${base}/{name}/{action}`,
      tags: ["counters"],
      summary: "Increment, decrement or reset a counter",
      description:
        "`amount` (1–1000, default 1) applies to increment and decrement, from the query string or a JSON body. " +
        "Exact under concurrency.",
      request: {
        params: z.object({ name: CounterNameSchema, action: CounterActionSchema }),
        query: z.object({ amount: AmountSchema }),
        body: { content: { "application/json": { schema: CounterStepBodySchema } }, required: false },
      },
      responses: {
        200: okValue,
        ...COMMON_ERRORS,
        409: problem("The value would leave the exact-integer range"),
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
      const stub = counterStub(c.env, name);
      const result =
        action === "increment"
          ? await stub.increment(amount)
          : action === "decrement"
            ? await stub.decrement(amount)
            : await stub.reset();
      return c.json(unwrap(name, result), 200);
    },
  );

  return router;
}
