// The inbox protocol: what a room hands a user's Inbox, the entries the UI pages, and the inbox socket's frames.
// Shared by the ChatRoom (notices), the Inbox object, the Worker routes and the UI (entries, frames).
import { z } from "@hono/zod-openapi";

/** Entries one inbox keeps: the oldest beyond this are deleted as new ones arrive. */
export const INBOX_KEEP = 500;
export const INBOX_PAGE_MAX = 100;
/** Entries in the socket's `hello` frame (the newest). */
export const INBOX_HELLO_LATEST = 20;
/** Ids one mark-read request may name. */
export const INBOX_MARK_MAX = 500;
/** An excerpt's length in characters (code points). */
export const EXCERPT_MAX = 140;
/** The inbox socket is closed with this when the session it was opened with ends: sign in again. */
export const INBOX_CLOSE_SESSION_ENDED = 4401;

const MemberSchema = z.object({ userId: z.string(), displayName: z.string() });

/** Why an entry is in the inbox: a @mention, an @room, or a reply in a thread the user took part in. */
export const InboxKindSchema = z.enum(["mention", "room-mention", "reply"]).openapi("InboxKind");
export type InboxKind = z.infer<typeof InboxKindSchema>;

/** What a ChatRoom delivers to a user's Inbox (idempotent by room + messageId + kind). */
export const InboxNoticeSchema = z.object({
  /** The recipient's user id: the room's outbox delivers each notice to this user's Inbox. */
  to: z.string().min(1),
  kind: InboxKindSchema,
  room: z.string().min(1).max(64),
  messageId: z.number().int().min(1),
  /** The thread's root for a reply (open the thread); null for a mention in the main timeline. */
  threadRootId: z.number().int().nullable(),
  from: MemberSchema,
  /** The first ~140 characters of the message's markdown source. */
  excerpt: z.string().max(EXCERPT_MAX * 2),
  createdAt: z.string(),
});
export type InboxNotice = z.infer<typeof InboxNoticeSchema>;

/** One entry of a user's inbox, as the UI shows it. */
export const InboxEntrySchema = z
  .object({
    /** The inbox's own sequence (newest is largest; never reused). */
    id: z.number().int(),
    kind: InboxKindSchema,
    room: z.string(),
    messageId: z.number().int(),
    threadRootId: z.number().int().nullable(),
    from: MemberSchema,
    excerpt: z.string(),
    /** When the message was sent. */
    createdAt: z.string(),
    /** When the inbox received it. */
    receivedAt: z.string(),
    read: z.boolean(),
  })
  .openapi("InboxEntry");
export type InboxEntry = z.infer<typeof InboxEntrySchema>;

export const InboxQuerySchema = z.object({
  before: z
    .string()
    .regex(/^\d{1,15}$/, "must be an entry id")
    .transform(Number)
    .optional()
    .openapi({ param: { name: "before", in: "query" }, type: "integer" }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "must be a whole number from 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1).max(INBOX_PAGE_MAX))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer" }),
});

/** GET /api/inbox: newest first. */
export const InboxPageSchema = z
  .object({
    entries: z.array(InboxEntrySchema).openapi({ description: "Newest first" }),
    unread: z.number().int().openapi({ description: "Unread entries in the whole inbox" }),
    nextBefore: z.number().int().nullable().openapi({ description: "Pass as `before` for older entries" }),
  })
  .openapi("InboxPage");
export type InboxPage = z.infer<typeof InboxPageSchema>;

/** POST /api/inbox/read: some entries, or all of them. */
export const MarkInboxReadSchema = z
  .union([
    z.strictObject({ ids: z.array(z.number().int().min(1)).min(1).max(INBOX_MARK_MAX) }),
    z.strictObject({ all: z.literal(true) }),
  ])
  .openapi("MarkInboxRead");
export type MarkInboxRead = z.infer<typeof MarkInboxReadSchema>;

export const InboxUnreadSchema = z.object({ unread: z.number().int() }).openapi("InboxUnread");

/**
 * server → client on GET /api/inbox/ws. The client sends nothing but `{"type":"ping"}` (answered `pong` by the
 * runtime); anything else is ignored. Objects are not strict: a client keeps working when a field is added.
 */
export const InboxFrameSchema = z.discriminatedUnion("type", [
  /** On connect: the unread count and the newest entries (an offline user's mentions show here). */
  z.object({ type: z.literal("hello"), unread: z.number().int(), latest: z.array(InboxEntrySchema) }),
  /** A new entry, and the unread count after it. */
  z.object({ type: z.literal("entry"), entry: InboxEntrySchema, unread: z.number().int() }),
  /** Entries were marked read (on any device): `all`, or the listed ids. */
  z.object({
    type: z.literal("read"),
    unread: z.number().int(),
    ids: z.array(z.number().int()),
    all: z.boolean(),
  }),
  /** Entries of rooms the user can no longer see were removed from the inbox: drop those of these rooms. */
  z.object({ type: z.literal("dropped"), rooms: z.array(z.string()), unread: z.number().int() }),
  z.object({ type: z.literal("pong") }),
]);
export type InboxFrame = z.infer<typeof InboxFrameSchema>;
