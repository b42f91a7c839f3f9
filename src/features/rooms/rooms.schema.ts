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

/** Files one message may carry. */
export const MAX_ATTACHMENTS = 10;
/** Distinct emoji on one message; a reaction with a new emoji beyond it is refused (`too-many-reactions`). */
export const MAX_EMOJI_PER_MESSAGE = 20;
/** Who reacted, per emoji, as shown in a message (the count is exact). */
export const REACTION_USERS_SHOWN = 10;
/** The last distinct repliers shown on a thread's root. */
export const REPLIERS_SHOWN = 3;
export const THREAD_PAGE_MAX = 100;

/** A message's text after trimming: 1–4 000 characters (markdown source). */
const MessageTextSchema = text()
  .transform((value) => value.trim())
  .pipe(z.string().min(1).max(MAX_TEXT));
const MessageIdSchema = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
/** One emoji (any: flags, skin tones and ZWJ sequences included), up to 32 UTF-16 units. */
export const EmojiSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(
    /^(?:\p{Extended_Pictographic}|\p{Emoji_Component}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3)+$/u,
    "one emoji",
  )
  .refine((value) => /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(value), "one emoji");
/** A file id (files feature: random 128-bit hex). */
const FileIdSchema = z.string().regex(/^[0-9a-f]{32}$/, "a file id");
/** Correlates an edit, delete or reaction with its `done` or `error` frame. */
const OpIdSchema = ClientMessageIdSchema;

/** client → server */
export const ClientFrameSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("message"),
    text: MessageTextSchema,
    clientMessageId: ClientMessageIdSchema.optional(),
    /** A thread reply: the root's id. A reply to a reply is filed under that reply's root (threads are flat). */
    threadRootId: MessageIdSchema.optional(),
    /** Files of the sender's own to share with the room (they must exist and be stored: else `attachment-not-found`). */
    attachments: z.array(FileIdSchema).max(MAX_ATTACHMENTS).optional(),
  }),
  /** Only the author edits; the text is replaced (markdown source), the message marked edited. */
  z.strictObject({
    type: z.literal("edit"),
    messageId: MessageIdSchema,
    text: MessageTextSchema,
    opId: OpIdSchema.optional(),
  }),
  /** The author, an admin, or a private room's owner deletes: a tombstone keeps the id; text, previews and attachments go. */
  z.strictObject({ type: z.literal("delete"), messageId: MessageIdSchema, opId: OpIdSchema.optional() }),
  /** Adds or removes this user's reaction (idempotent: adding twice, or removing what is not there, changes nothing). */
  z.strictObject({
    type: z.literal("react"),
    messageId: MessageIdSchema,
    emoji: EmojiSchema,
    add: z.boolean(),
    opId: OpIdSchema.optional(),
  }),
  z.strictObject({ type: z.literal("typing") }),
  /**
   * Replays, in id order, every message after `lastId` as it is now (for this reader) and every event after
   * `lastId` about a message at or before it, then `resumed`. Live frames that arrive between the welcome and
   * `resumed` were stored before the resume was read, so the replay holds them (or the message they change, as
   * it is now): a client buffers them and, on `resumed`, applies the last copy of each message and the events about
   * messages at or before `lastId`, in id order (rooms.convergence.test.ts does exactly this).
   */
  z.strictObject({ type: z.literal("resume"), lastId: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

const MemberSchema = z.object({ userId: z.string(), displayName: z.string() }).openapi("Member");
export type Member = z.infer<typeof MemberSchema>;

export const ReactionSchema = z
  .object({
    emoji: z.string(),
    /** Exact. */
    count: z.number().int(),
    /** The first REACTION_USERS_SHOWN who reacted, oldest first. */
    users: z.array(MemberSchema),
    /** Whether the reader reacted with this emoji (in frames broadcast to everyone: false; see the reaction event). */
    mine: z.boolean(),
  })
  .openapi("Reaction");
export type Reaction = z.infer<typeof ReactionSchema>;

export const MessageAttachmentSchema = z
  .object({ fileId: z.string(), name: z.string(), contentType: z.string(), size: z.number().int() })
  .openapi("MessageAttachment");
export type MessageAttachment = z.infer<typeof MessageAttachmentSchema>;

/**
 * A message as it is now: edited text, a deleted tombstone (text "", no attachments, no reactions), reaction counts
 * and the thread summary of a root. `id` is the room log's id of the message's creation.
 */
export const ChatMessageSchema = z
  .object({
    id: z.number().int(),
    userId: z.string(),
    displayName: z.string(),
    /** Markdown source; "" once deleted. */
    text: z.string(),
    clientMessageId: z.string().nullable(),
    createdAt: z.string(),
    /** The root's id for a thread reply; null for a message in the room's main timeline. */
    threadRootId: z.number().int().nullable(),
    editedAt: z.string().nullable(),
    deletedAt: z.string().nullable(),
    reactions: z.array(ReactionSchema),
    /** A root's replies (0 for a reply or a message without a thread). */
    replyCount: z.number().int(),
    lastReplyAt: z.string().nullable(),
    /**
     * The newest reply's id as of this copy (null: none). A client that receives a reply with a larger id adds it
     * to the count; one with an id at most this is already counted (so a resume never counts a reply twice).
     */
    lastReplyId: z.number().int().nullable(),
    /** The last REPLIERS_SHOWN distinct repliers, newest first. */
    repliers: z.array(MemberSchema),
    attachments: z.array(MessageAttachmentSchema),
    /** Room members mentioned with @displayName (resolved by the room; unknown names are left as text). */
    mentions: z.array(MemberSchema),
    /** The message mentions @room. */
    mentionsRoom: z.boolean(),
  })
  .openapi("ChatMessage");
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/**
 * A change to a message already in the log, with its own log id (ids are shared with messages: one sequence per
 * room, so a client that applies messages and events in id order converges to the server's history).
 */
export const RoomEventSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("edit"),
    id: z.number().int(),
    messageId: z.number().int(),
    text: z.string(),
    editedAt: z.string(),
  }),
  z.object({
    kind: z.literal("delete"),
    id: z.number().int(),
    messageId: z.number().int(),
    deletedAt: z.string(),
    /** Who deleted it (the author, an admin or the room's owner). */
    by: z.string(),
  }),
  z.object({
    kind: z.literal("reaction"),
    id: z.number().int(),
    messageId: z.number().int(),
    emoji: z.string(),
    member: MemberSchema,
    added: z.boolean(),
    /** The emoji's exact count on the message after this event. */
    count: z.number().int(),
  }),
]);
export type RoomEvent = z.infer<typeof RoomEventSchema>;

const ERROR_CODES = [
  "invalid-frame",
  "binary-not-supported",
  "rate-limited",
  "not-stored",
  "resume-too-far",
  /** Editing someone else's message, or deleting one without the right to. Nothing changed. */
  "forbidden",
  /** The message (or a thread's root) does not exist, was deleted, or is past retention. */
  "not-found",
  /** A new emoji on a message that already has MAX_EMOJI_PER_MESSAGE distinct ones. */
  "too-many-reactions",
  /** An attachment that is not one of the sender's stored files. Nothing was sent. */
  "attachment-not-found",
] as const;
export type RoomErrorCode = (typeof ERROR_CODES)[number];

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
    /** The newest WELCOME_HISTORY messages of the main timeline (no thread replies), as they are now, for this reader. */
    history: z.array(ChatMessageSchema),
    /** The newest log id (messages and events). */
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
  /** An edit, delete or reaction change, in log order (ids shared with messages). */
  z.object({ type: z.literal("event"), event: RoomEventSchema }),
  /** The sender's edit, delete or reaction was applied (`id`: its event's id; 0 when it changed nothing). */
  z.object({ type: z.literal("done"), opId: z.string(), id: z.number().int() }),
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
    opId: z.string().optional(),
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
  /** The page centred on this message (a search result, a link); a thread reply centres on its root. */
  around: z
    .string()
    .regex(/^\d{1,15}$/, "must be a message id")
    .transform(Number)
    .optional()
    .openapi({ param: { name: "around", in: "query" }, type: "integer" }),
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
    messages: z
      .array(ChatMessageSchema)
      .openapi({ description: "Oldest first; the main timeline only (thread replies are paged by their thread)" }),
    nextBefore: z.number().int().nullable().openapi({ description: "Pass as `before` for the previous page" }),
    nextAfter: z
      .number()
      .int()
      .nullable()
      .optional()
      .openapi({ description: "With `around`: the newest id on this page when newer messages exist, else null" }),
  })
  .openapi("HistoryPage");

export const ThreadQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,15}$/, "must be a message id")
    .transform(Number)
    .optional()
    .openapi({ param: { name: "after", in: "query" }, type: "integer" }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1).max(THREAD_PAGE_MAX))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer" }),
});

/** GET /api/rooms/{room}/threads/{rootId}: the root as it is now and a page of its replies, oldest first. */
export const ThreadPageSchema = z
  .object({
    room: z.string(),
    root: ChatMessageSchema,
    replies: z.array(ChatMessageSchema),
    nextAfter: z.number().int().nullable().openapi({ description: "Pass as `after` for the next page" }),
  })
  .openapi("ThreadPage");
export type ThreadPage = z.infer<typeof ThreadPageSchema>;

/** GET /api/rooms/{room}/people?q=: who can be @mentioned here (the composer's autocomplete). */
export const RoomPeopleSchema = z.object({ room: z.string(), people: z.array(MemberSchema) }).openapi("RoomPeople");
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
    lastId: z.number().int().openapi({
      description: "The room log's newest id (messages and events share one sequence); 0 when the room has none",
    }),
    lastReadId: z.number().int().nullable().openapi({
      description: "The caller's read cursor: the newest message id they have read; null if never visited",
    }),
    unread: z.number().int().openapi({
      description: "Messages after lastReadId that others sent (exact); 0 for a room the caller never visited",
    }),
    mentions: z.number().int().openapi({
      description: "Of those, the ones that mention the caller or @room (exact); 0 for a room never visited",
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
