// The assistant API: the chat request, the SSE events it answers with, and stored conversations.
import { z } from "@hono/zod-openapi";

export const MAX_QUESTION = 4_000;
export const MAX_HISTORY = 20;
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

/** The events of `POST /api/assistant/chat`, in order: status, tool…, citation…, content…, then done or error. */
export type AssistantEvent =
  | { event: "status"; data: { state: "searching" | "answering"; provider: string; conversationId: string } }
  | { event: "tool"; data: { name: string; phase: "start" | "end"; ms?: number; results?: number; error?: string } }
  | { event: "citation"; data: Citation }
  | { event: "content"; data: { delta: string } }
  | {
      event: "done";
      data: {
        conversationId: string;
        usage: { outputChars: number; events: number; subrequests: number; provider: string };
      };
    }
  | { event: "error"; data: { code: string; message: string; requestId: string } };

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
