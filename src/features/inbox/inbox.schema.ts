// The inbox protocol: what a room hands a user's Inbox, the entries the UI pages, and the inbox socket's frames.
// (Contract written by the lead for issue 14; H3 completes this file and owns it from here.)
import { z } from "@hono/zod-openapi";

const MemberSchema = z.object({ userId: z.string(), displayName: z.string() });

/** Why an entry is in the inbox: a @mention, an @room, or a reply in a thread the user took part in. */
export const InboxKindSchema = z.enum(["mention", "room-mention", "reply"]);

/** What a ChatRoom delivers to a user's Inbox (idempotent by room + messageId + kind). */
export const InboxNoticeSchema = z.object({
  kind: InboxKindSchema,
  room: z.string(),
  messageId: z.number().int(),
  /** The thread's root for a reply (open the thread); null for a mention in the main timeline. */
  threadRootId: z.number().int().nullable(),
  from: MemberSchema,
  /** The first ~140 characters of the message's markdown source. */
  excerpt: z.string(),
  createdAt: z.string(),
});
export type InboxNotice = z.infer<typeof InboxNoticeSchema>;
