// The assistant over HTTP: a streamed answer (SSE) to a question about my rooms and files; past conversations.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { type AiProvider, AiProviderError } from "@outpost/edge-kit/ai";
import { AppError, errors } from "@outpost/edge-kit/errors";
import {
  BudgetExceededError,
  createLanes,
  createSubrequestBudget,
  createTokenBucketQueue,
} from "@outpost/edge-kit/pacing";
import { createSseStream, SSE_HEADERS, type SseWriter } from "@outpost/edge-kit/sse";
import type { Context } from "hono";
import { getAiProvider } from "../../ai";
import { getConfig } from "../../config";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { userRoute } from "../auth";
import { flagStore } from "../flags";
import { consumeLimit } from "../limits";
import {
  type AssistantEvent,
  type ChatRequest,
  ChatRequestSchema,
  type Citation,
  ConversationMessageSchema,
  ConversationSchema,
  MAX_TOKENS_CAP,
} from "./assistant.schema";
import { type Passage, TOOLS, type ToolContext } from "./assistant-tools";
import { answerStream, choosePassages } from "./compose-answer";
import { ConversationStore } from "./conversation-store";

/** Concurrent calls per upstream within one answer. */
const LANES = { d1: 3, rooms: 4, counters: 2, unfurl: 2 };
/** Outbound calls of one answer: 20 a second after a burst of 10, at most 6 at once (the platform's connection cap). */
const PACE = { ratePerSecond: 20, burst: 10, concurrency: 6 };

interface Job {
  env: Env;
  userId: string;
  request: ChatRequest;
  conversationId: string;
  provider: AiProvider;
  requestId: string;
  logger: AppEnv["Variables"]["logger"];
  writer: SseWriter<AssistantEvent>;
}

function failure(error: unknown): { code: string; message: string } {
  if (error instanceof BudgetExceededError) {
    return { code: "budget-exhausted", message: "This question needed more lookups than one request may make." };
  }
  if (error instanceof AiProviderError) {
    return { code: "provider-failed", message: "The AI provider failed while answering. Try again shortly." };
  }
  return { code: "internal", message: "The answer could not be completed." };
}

/** Runs after the response has started: tools in parallel, citations, the answer's deltas, one terminal event. */
async function produceAnswer(job: Job): Promise<void> {
  const { env, writer, logger } = job;
  const signal = writer.signal;
  const budget = createSubrequestBudget({
    limit: getConfig(env).SUBREQUEST_BUDGET,
    onWarn: (used, limit) => logger.warn("assistant subrequest budget at 80 %", { used, limit }),
  });
  const lanes = createLanes(LANES, 2);
  const pace = createTokenBucketQueue(PACE);
  let answer = "";
  let citations: Citation[] = [];
  let status: "complete" | "stopped" | "failed" = "stopped";
  try {
    await writer.send("status", {
      state: "searching",
      provider: job.provider.name,
      conversationId: job.conversationId,
    });
    const ctx: ToolContext = { env, userId: job.userId, question: job.request.message, lanes, budget, pace, signal };
    const found = await Promise.all(
      TOOLS.filter((tool) => tool.wanted(ctx)).map(async (tool): Promise<Passage[]> => {
        const started = Date.now();
        await writer.send("tool", { name: tool.name, phase: "start" });
        try {
          const passages = await tool.run(ctx);
          await writer.send("tool", {
            name: tool.name,
            phase: "end",
            ms: Date.now() - started,
            results: passages.length,
          });
          return passages;
        } catch (error) {
          if (signal.aborted) throw error;
          logger.warn("assistant tool failed", { tool: tool.name, error });
          const reason = error instanceof BudgetExceededError ? "subrequest budget exhausted" : "failed";
          await writer.send("tool", {
            name: tool.name,
            phase: "end",
            ms: Date.now() - started,
            results: 0,
            error: reason,
          });
          return [];
        }
      }),
    );
    if (signal.aborted) return;
    citations = choosePassages(found.flat());
    for (const citation of citations) await writer.send("citation", citation);
    await writer.send("status", {
      state: "answering",
      provider: job.provider.name,
      conversationId: job.conversationId,
    });
    if (job.provider.generative) budget.spend(`AI ${job.provider.name}`);
    const maxTokens = Math.min(job.request.maxTokens ?? 512, MAX_TOKENS_CAP);
    for await (const delta of answerStream(
      job.provider,
      job.request.message,
      job.request.history ?? [],
      citations,
      maxTokens,
      signal,
    )) {
      answer += delta;
      if (!(await writer.send("content", { delta }))) break;
    }
    if (signal.aborted) return;
    status = "complete";
    await writer.done({
      conversationId: job.conversationId,
      usage: {
        outputChars: answer.length,
        events: writer.sent + 1,
        subrequests: budget.used,
        provider: job.provider.name,
      },
    });
  } catch (error) {
    if (signal.aborted) return;
    status = "failed";
    logger.error("assistant answer failed", { error });
    await writer.error({ ...failure(error), requestId: job.requestId });
  } finally {
    try {
      await new ConversationStore(env.DB).append(job.conversationId, [
        { role: "user", content: job.request.message, citations: [], status: "complete" },
        { role: "assistant", content: answer, citations, status },
      ]);
    } catch (error) {
      logger.warn("conversation not saved", { error });
    }
    logger.info("assistant answer", {
      status,
      chars: answer.length,
      citations: citations.length,
      subrequests: budget.used,
    });
  }
}

/** The `assistant` flag: absent means on (the default); present, it decides; unreadable, it refuses (503). */
async function assertEnabled(c: Context<AppEnv>, userId: string): Promise<void> {
  let decision: { exists: boolean; on: boolean };
  try {
    decision = await flagStore(c.env).evaluate("assistant", { id: userId });
  } catch (error) {
    throw new AppError(503, "flags-unavailable", "Feature flags are unavailable", {
      detail: "Try again shortly",
      headers: { "Retry-After": "5" },
      cause: error,
    });
  }
  if (decision.exists && !decision.on) {
    throw new AppError(403, "assistant-disabled", "The assistant is turned off", {
      detail: "An administrator has turned the assistant off for your account",
    });
  }
}

export function createAssistantRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/assistant/chat",
      tags: ["assistant"],
      summary:
        "Ask about my rooms and files: an SSE stream of status, tool, citation and content events, then done or error",
      request: { body: { content: { "application/json": { schema: ChatRequestSchema } }, required: true } },
      responses: {
        200: {
          description:
            "text/event-stream: `status`, `tool` (start/end), `citation`, `content` ({delta}), then `done` or `error`",
          content: { "text/event-stream": { schema: z.string() } },
        },
        404: problem("No such conversation"),
        413: problem("Body too large"),
        415: problem("Not JSON"),
        503: problem("Flags unavailable"),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      const request = c.req.valid("json");
      await assertEnabled(c, principal.userId);
      await consumeLimit(c, "assistant", `user:${principal.userId}`);
      const conversationId = await new ConversationStore(c.env.DB).open(
        principal.userId,
        request.conversationId,
        request.message,
      );
      if (!conversationId) throw errors.notFound("No such conversation");
      const provider = getAiProvider(c.env);
      const logger = c.get("logger");
      const { readable, writer } = createSseStream<AssistantEvent>({
        onDisconnect: () => logger.info("assistant client disconnected"),
        onDropped: (event, error) => logger.warn("assistant event dropped", { event, error }),
      });
      c.executionCtx.waitUntil(
        produceAnswer({
          env: c.env,
          userId: principal.userId,
          request,
          conversationId,
          provider,
          requestId: c.get("requestId"),
          logger,
          writer,
        }),
      );
      return new Response(readable, { status: 200, headers: SSE_HEADERS }) as never;
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/assistant/conversations",
      tags: ["assistant"],
      summary: "My past conversations, most recent first",
      responses: {
        200: json(z.object({ conversations: z.array(ConversationSchema) }), "Conversations"),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      c.header("Cache-Control", "private, no-store");
      return c.json({ conversations: await new ConversationStore(c.env.DB).list(principal.userId) }, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "get",
      path: "/api/assistant/conversations/{id}",
      tags: ["assistant"],
      summary: "One of my conversations, message by message, with citations",
      request: {
        params: z.object({
          id: z
            .string()
            .regex(/^[0-9a-f]{32}$/)
            .openapi({ param: { name: "id", in: "path" } }),
        }),
      },
      responses: {
        200: json(z.object({ messages: z.array(ConversationMessageSchema) }), "Messages, oldest first"),
        404: problem("No such conversation"),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      const messages = await new ConversationStore(c.env.DB).messages(principal.userId, c.req.valid("param").id);
      if (!messages) throw errors.notFound("No such conversation");
      c.header("Cache-Control", "private, no-store");
      return c.json({ messages }, 200);
    },
  );

  return router;
}
