// The rooms protocol: every WebSocket frame and HTTP shape, shared by the Worker, the ChatRoom object and the UI.
import { z } from "@hono/zod-openapi";
import { text } from "@outpost/edge-kit/text";
import { HttpUrlSchema, LinkPreviewSchema, type LinkPreviewView } from "../previews/previews.schema";

export const ROOM_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A message's text: 1–4 000 characters. */
const MAX_TEXT = 4_000;
/** Any frame larger than this many UTF-8 bytes is refused with close code 1009 before it is parsed. */
export const MAX_FRAME_BYTES = 16 * 1024;
export const HISTORY_PAGE_MAX = 100;
/** A client that resumes from further back than this gets an error and reads history over HTTP instead. */
export const RESUME_MAX = 1_000;
/**
 * Each user's message allowance in a room, shared by all of their sockets there (a token bucket: a burst of 30,
 * then 5 a second). The room enforces it; the UI's outbox paces itself by it, so one constant keeps the two in step.
 */
export const MESSAGE_POLICY = { limit: 30, periodMs: 6_000 } as const;

export const RoomNameSchema = z
  .string()
  .regex(ROOM_NAME, "1–64 lower-case letters, digits, '-' or '_'")
  .openapi({ param: { name: "room", in: "path" }, example: "general" });

const ClientMessageIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1–64 letters, digits, '-' or '_'");

/** client → server */
export const ClientFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("message"),
    text: text()
      .transform((value) => value.trim())
      .pipe(z.string().min(1).max(MAX_TEXT)),
    clientMessageId: ClientMessageIdSchema.optional(),
  }),
  z.strictObject({ type: z.literal("typing") }),
  z.strictObject({ type: z.literal("resume"), lastId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export const ChatMessageSchema = z
  .object({
    id: z.number().int(),
    userId: z.string(),
    displayName: z.string(),
    text: z.string(),
    clientMessageId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("ChatMessage");
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

const MemberSchema = z.object({ userId: z.string(), displayName: z.string() });
export type Member = z.infer<typeof MemberSchema>;

const ERROR_CODES = ["invalid-frame", "binary-not-supported", "rate-limited", "not-stored", "resume-too-far"] as const;

export type RoomLinkPreview = LinkPreviewView;

/**
 * server → client. Objects are not strict: a client keeps working when the server adds a field. The room
 * builds frames of this type; the UI's client parses every frame it receives with it.
 */
export const ServerFrameSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    you: MemberSchema,
    room: z.string(),
    roster: z.array(MemberSchema),
    history: z.array(ChatMessageSchema),
    lastId: z.number().int(),
  }),
  z.object({ type: z.literal("message"), message: ChatMessageSchema }),
  /** Several messages in one frame, oldest first: sent instead of `message` when the room is busy. */
  z.object({ type: z.literal("messages"), messages: z.array(ChatMessageSchema) }),
  z.object({
    type: z.literal("presence"),
    event: z.enum(["join", "leave"]),
    member: MemberSchema,
    roster: z.array(MemberSchema),
  }),
  z.object({ type: z.literal("typing"), member: MemberSchema }),
  /** A private room's members changed (someone was added, left or was removed): reload the member list. */
  z.object({ type: z.literal("membership"), event: z.enum(["added", "removed"]), userId: z.string() }),
  z.object({ type: z.literal("ack"), clientMessageId: z.string(), id: z.number().int(), duplicate: z.boolean() }),
  z.object({ type: z.literal("resumed"), lastId: z.number().int(), count: z.number().int() }),
  /** After a message with a link: its preview, or null when there is none (or the network does not allow it). */
  z.object({
    type: z.literal("preview"),
    messageId: z.number().int(),
    /** The link as the server normalised it: always an http(s) URL that parses (`new URL(url)` cannot throw). */
    url: HttpUrlSchema,
    preview: LinkPreviewSchema.nullable(),
  }),
  z.object({
    type: z.literal("error"),
    code: z.enum(ERROR_CODES),
    reason: z.string(),
    retryAfterMs: z.number().optional(),
    clientMessageId: z.string().optional(),
  }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;

/** What a client can receive: a server frame, or the runtime's automatic answer to `{"type":"ping"}`. */
export const IncomingFrameSchema = z.discriminatedUnion("type", [
  ...ServerFrameSchema.options,
  z.object({ type: z.literal("pong") }),
]);

export const HistoryQuerySchema = z.object({
  before: z
    .string()
    .regex(/^\d{1,15}$/, "must be a message id")
    .transform(Number)
    .optional()
    .openapi({ param: { name: "before", in: "query" }, type: "integer" }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1).max(HISTORY_PAGE_MAX))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer" }),
});

export const HistoryPageSchema = z
  .object({
    room: z.string(),
    messages: z.array(ChatMessageSchema).openapi({ description: "Oldest first" }),
    nextBefore: z.number().int().nullable().openapi({ description: "Pass as `before` for the previous page" }),
  })
  .openapi("HistoryPage");
export type HistoryPage = z.infer<typeof HistoryPageSchema>;

/** Public rooms are open to every signed-in user; private ones only to their members (others get 404). */
const RoomVisibilitySchema = z.enum(["public", "private"]).openapi("RoomVisibility");
export type RoomVisibility = z.infer<typeof RoomVisibilitySchema>;

export const CreateRoomSchema = z
  .strictObject({
    name: z.string().regex(ROOM_NAME, "1–64 lower-case letters, digits, '-' or '_'"),
    visibility: RoomVisibilitySchema.default("public"),
  })
  .openapi("CreateRoom");

export const RoomMemberSchema = z
  .object({
    userId: z.string(),
    displayName: z.string(),
    /** The owner created the room; only the owner removes others, and the owner cannot leave. */
    role: z.enum(["owner", "member"]),
    addedAt: z.string(),
  })
  .openapi("RoomMember");
export type RoomMember = z.infer<typeof RoomMemberSchema>;

export const RoomMembersSchema = z
  .object({
    room: z.string(),
    visibility: RoomVisibilitySchema,
    /** Empty for a public room. */
    members: z.array(RoomMemberSchema),
  })
  .openapi("RoomMembers");
export type RoomMembers = z.infer<typeof RoomMembersSchema>;

export const AddRoomMemberSchema = z
  .strictObject({ email: text().trim().min(3).max(254).pipe(z.email("must be an email address")) })
  .openapi("AddRoomMember");

/**
 * Close codes of our own (4000–4999). 4403: this member was removed from the private room; do not reconnect.
 * 4401: the session the socket was opened with has ended (logout, revoked, signed out elsewhere, password
 * changed, account disabled or its role changed); do not reconnect with it: sign in again.
 */
export const CLOSE_REMOVED_FROM_ROOM = 4403;
export const CLOSE_SESSION_ENDED = 4401;

export const RoomSummarySchema = z
  .object({
    name: z.string(),
    visibility: RoomVisibilitySchema,
    messageCount: z.number().int(),
    lastMessageAt: z.string().nullable(),
    online: z.array(MemberSchema),
    lastId: z.number().int().openapi({ description: "The newest message's id; 0 when the room has none" }),
    lastReadId: z.number().int().nullable().openapi({
      description: "The caller's read cursor: the newest message id they have read; null if never visited",
    }),
    unread: z.number().int().openapi({
      description: "Messages after lastReadId that others sent (exact); 0 for a room the caller never visited",
    }),
  })
  .openapi("RoomSummary");
export type RoomSummary = z.infer<typeof RoomSummarySchema>;
/** What a room's ChatRoom object reports for one reader; the Worker adds the visibility and the cursor. */
export type RoomStats = Omit<RoomSummary, "visibility" | "lastReadId">;

/** PUT /api/rooms/{room}/read: the newest message id the caller has now seen. */
export const MarkReadSchema = z
  .strictObject({
    lastId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({
      description: "The newest message id shown to the caller; the cursor only moves forward, up to the room's newest",
    }),
  })
  .openapi("MarkRead");

export const RoomReadSchema = z.object({ room: z.string(), lastReadId: z.number().int() }).openapi("RoomRead");
export type RoomRead = z.infer<typeof RoomReadSchema>;

export const TicketSchema = z
  .object({ ticket: z.string(), expiresAt: z.string(), url: z.string() })
  .openapi("RoomTicket");
