// The assistant API: the chat request, the SSE events it answers with, and stored conversations.
import { z } from "@hono/zod-openapi";
import { text } from "@outpost/edge-kit/text";

export const MAX_QUESTION = 4_000;
const MAX_HISTORY = 20;
export const MAX_TOKENS_CAP = 1_024;

export const ChatRequestSchema = z
  .strictObject({
    message: text()
      .transform((text) => text.trim())
      .pipe(z.string().min(1, "is empty").max(MAX_QUESTION, "is longer than 4 000 characters")),
    history: z
      .array(z.strictObject({ role: z.enum(["user", "assistant"]), content: text().max(MAX_QUESTION) }))
      .max(MAX_HISTORY)
      .optional(),
    conversationId: z
      .string()
      .regex(/^[0-9a-f]{32}$/)
      .optional(),
    maxTokens: z.number().int().min(16).max(MAX_TOKENS_CAP).optional(),
    /**
     * Replaces the conversation's last turn (its last question and answer) instead of appending one: the UI's
     * "regenerate" re-sends the last question with this set (and leaves that turn out of `history`).
     */
    regenerate: z.boolean().optional(),
  })
  .refine((request) => !request.regenerate || request.conversationId !== undefined, {
    message: "needs the conversationId of the conversation to regenerate in",
    path: ["regenerate"],
  })
  .openapi("ChatRequest");
export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export const CitationSchema = z
  .object({
    index: z.number().int(),
    kind: z.enum(["message", "file", "counter", "link"]),
    /** Room name, file id, counter name or URL. */
    source: z.string(),
    /** A short label: `#room · author · time`, the file's name, `counter x`, or the page's title. */
    title: z.string(),
    /** The passage itself (the snippet shown under the title). */
    excerpt: z.string(),
    /**
     * Where the UI links to: `/rooms/{room}?message={messageId}`, `/files?file={fileId}`, `/api/counters/{name}`,
     * or the link's own URL.
     */
    href: z.string(),
    /** kind `message`: the room the message is in. */
    room: z.string().optional(),
    /** kind `message`: the message's id in its room. */
    messageId: z.number().int().optional(),
    /** kind `file`: the file's id. */
    fileId: z.string().optional(),
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
export type Conversation = z.infer<typeof ConversationSchema>;

export const MAX_TITLE = 120;

/** `PATCH /api/assistant/conversations/{id}`: a new title, trimmed, 1–120 characters. */
export const ConversationRenameSchema = z
  .strictObject({
    title: text()
      .transform((text) => text.trim())
      .pipe(z.string().min(1, "is empty").max(MAX_TITLE, "is longer than 120 characters")),
  })
  .openapi("ConversationRename");

/**
 * How an answer ended: `complete` (the `done` event), `stopped` (the client went away mid-answer, or the
 * answer was cut off before it could be finished), `failed` (the `error` event).
 */
export const TurnStatusSchema = z.enum(["complete", "stopped", "failed"]);
export type TurnStatus = z.infer<typeof TurnStatusSchema>;

/**
 * One tool the answer ran, as the `tool` events left it: `running` while live (never stored), `done` or
 * `failed` once it ended, `stopped` if the answer was stopped before it ended.
 */
export const AssistantStepSchema = z
  .object({
    name: z.string(),
    state: z.enum(["running", "done", "failed", "stopped"]),
    ms: z.number().optional(),
    results: z.number().int().optional(),
    error: z.string().optional(),
  })
  .openapi("AssistantStep");
export type AssistantStep = z.infer<typeof AssistantStepSchema>;

/** One stored message; an assistant message carries its turn's status, steps and citations. */
export const ConversationMessageSchema = z
  .object({
    role: z.enum(["user", "assistant"]),
    content: z.string(),
    citations: z.array(CitationSchema),
    /** Always `complete` for a question. */
    status: TurnStatusSchema,
    /** The tools the answer ran, in the order they started; empty for a question. */
    steps: z.array(AssistantStepSchema),
    createdAt: z.string(),
  })
  .openapi("ConversationMessage");
export type ConversationMessage = z.infer<typeof ConversationMessageSchema>;
