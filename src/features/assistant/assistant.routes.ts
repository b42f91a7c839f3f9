// The assistant over HTTP: a streamed answer (SSE) to a question about my rooms and files; past conversations.
import { type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError, errors } from "@outpost/edge-kit/errors";
import { createSseStream, SSE_HEADERS } from "@outpost/edge-kit/sse";
import type { Context } from "hono";
import { getAiProvider } from "../../ai";
import type { AppEnv } from "../../http/app-env";
import { createRouter } from "../../http/create-router";
import { json } from "../../http/openapi";
import { problem } from "../../http/problem-schema";
import { userRoute } from "../auth";
import { flagStore } from "../flags";
import { consumeLimit } from "../limits";
import {
  type AssistantEvent,
  ChatRequestSchema,
  ConversationMessageSchema,
  ConversationRenameSchema,
  ConversationSchema,
} from "./assistant.schema";
import { ConversationStore } from "./conversation-store";
import { produceAnswer } from "./produce-answer";

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

/** The `{id}` of a conversation: another user's, or none, is 404 alike. */
const ConversationParamSchema = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .openapi({ param: { name: "id", in: "path" } }),
});

export function createAssistantRoutes(): OpenAPIHono<AppEnv> {
  const router = createRouter();

  router.openapi(
    userRoute({
      method: "post",
      path: "/api/assistant/chat",
      tags: ["assistant"],
      summary:
        "Ask about my rooms and files: an SSE stream of status, tool, citation and content events, then done or error. " +
        "With `regenerate: true` (and a `conversationId`) the answer replaces the conversation's last turn.",
      request: { body: { content: { "application/json": { schema: ChatRequestSchema } }, required: true } },
      responses: {
        200: {
          description:
            "text/event-stream: `status`, `tool` (start/end), `citation`, `content` ({delta}), then `done` or `error`",
          content: { "text/event-stream": { schema: z.string() } },
        },
        400: problem("Not a valid question (or `regenerate` without a `conversationId`)"),
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
      // Stored before the stream starts, so the turn exists (as stopped) whatever happens to the producer.
      const answerId = await new ConversationStore(c.env.DB).startTurn(conversationId, request.message, {
        replaceLast: request.regenerate === true,
      });
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
          answerId,
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
      summary: "One of my conversations, message by message, with each answer's status, steps and citations",
      request: { params: ConversationParamSchema },
      responses: {
        200: json(
          z.object({ conversation: ConversationSchema, messages: z.array(ConversationMessageSchema) }),
          "The conversation and its messages, oldest first",
        ),
        404: problem("No such conversation"),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      const found = await new ConversationStore(c.env.DB).read(principal.userId, c.req.valid("param").id);
      if (!found) throw errors.notFound("No such conversation");
      c.header("Cache-Control", "private, no-store");
      return c.json(found, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "patch",
      path: "/api/assistant/conversations/{id}",
      tags: ["assistant"],
      summary: "Rename one of my conversations (the title is trimmed, 1–120 characters)",
      request: {
        params: ConversationParamSchema,
        body: { content: { "application/json": { schema: ConversationRenameSchema } }, required: true },
      },
      responses: {
        200: json(ConversationSchema, "The renamed conversation"),
        404: problem("No such conversation"),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      const conversation = await new ConversationStore(c.env.DB).rename(
        principal.userId,
        c.req.valid("param").id,
        c.req.valid("json").title,
      );
      if (!conversation) throw errors.notFound("No such conversation");
      c.header("Cache-Control", "private, no-store");
      return c.json(conversation, 200);
    },
  );

  router.openapi(
    userRoute({
      method: "delete",
      path: "/api/assistant/conversations/{id}",
      tags: ["assistant"],
      summary: "Delete one of my conversations and all its messages",
      request: { params: ConversationParamSchema },
      responses: {
        204: { description: "Deleted" },
        404: problem("No such conversation"),
      },
    }),
    async (c) => {
      const principal = c.get("principal");
      if (!principal) throw errors.unauthorized();
      const removed = await new ConversationStore(c.env.DB).remove(principal.userId, c.req.valid("param").id);
      if (!removed) throw errors.notFound("No such conversation");
      return c.body(null, 204);
    },
  );

  return router;
}
