// The assistant API: the chat request, the SSE events it answers with, and stored conversations.
import { z } from "@hono/zod-openapi";

export const MAX_QUESTION = 4_000;
const MAX_HISTORY = 20;
export const MAX_TOKENS_CAP = 1_024;

export const ChatRequestSchema = z
  .strictObject({
    message: z
      .string()
      .transform((text) => text.trim())
      .pipe(z.string().min(1, "is empty").max(MAX_QUESTION, "is longer than 4 000 characters")),
    history: z
      .array(z.strictObject({ role: z.enum(["user", "assistant"]), content: z.string().max(MAX_QUESTION) }))
      .max(MAX_HISTORY)
      .optional(),
    conversationId: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    maxTokens: z.number().int().min(16).max(MAX_TOKENS_CAP).optional(),
  })
  .openapi("ChatRequest");
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export const CitationSchema = z
  .object({
    index: z.number().int(),
    kind: z.enum(["message", "file", "counter", "link"]),
    /** Room name, file id, counter name or URL. */
    source: z.string(),
    title: z.string(),
    excerpt: z.string(),
    /** Where the UI links to. */
    href: z.string(),
  })
  .openapi("Citation");
export type Citation = z.infer<typeof CitationSchema>;

/**
 * The events of `POST /api/assistant/chat`, in order: status, tool…, citation…, content…, then done or error.
 * The server's writer is typed over it and the UI parses every event with it.
 */
export const AssistantEventSchema = z.discriminatedUnion("event", [
  z.object({
    event: z.literal("status"),
    data: z.object({ state: z.enum(["searching", "answering"]), provider: z.string(), conversationId: z.string() }),
  }),
  /** A tool started, or ended (with its time and number of passages, or why it failed). */
  z.object({
    event: z.literal("tool"),
    data: z.object({
      name: z.string(),
      phase: z.enum(["start", "end"]),
      ms: z.number().optional(),
      results: z.number().int().optional(),
      error: z.string().optional(),
    }),
  }),
  z.object({ event: z.literal("citation"), data: CitationSchema }),
  z.object({ event: z.literal("content"), data: z.object({ delta: z.string() }) }),
  z.object({
    event: z.literal("done"),
    data: z.object({
      conversationId: z.string(),
      usage: z.object({
        outputChars: z.number().int(),
        events: z.number().int(),
        subrequests: z.number().int(),
        provider: z.string(),
      }),
    }),
  }),
  z.object({
    event: z.literal("error"),
    data: z.object({ code: z.string(), message: z.string(), requestId: z.string() }),
  }),
]);
export type AssistantEvent = z.infer<typeof AssistantEventSchema>;

export const ConversationSchema = z
  .object({ id: z.string(), title: z.string(), createdAt: z.string(), updatedAt: z.string() })
  .openapi("Conversation");

export const ConversationMessageSchema = z
  .object({
    role: z.enum(["user", "assistant"]),
    content: z.string(),
    citations: z.array(CitationSchema),
    status: z.enum(["complete", "stopped", "failed"]),
    createdAt: z.string(),
  })
  .openapi("ConversationMessage");
