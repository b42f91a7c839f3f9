// A ChatMessage for tests: the fields every message has, with defaults for the rest (no thread, no edits, no
// reactions, no attachments, no mentions).
import type { ChatMessage } from "../src/features/rooms/rooms.schema";

export function chatMessage(fields: Partial<ChatMessage> & Pick<ChatMessage, "id">): ChatMessage {
  return {
    userId: "u",
    displayName: "u",
    text: `m${fields.id}`,
    clientMessageId: null,
    createdAt: new Date(0).toISOString(),
    threadRootId: null,
    editedAt: null,
    deletedAt: null,
    reactions: [],
    replyCount: 0,
    lastReplyAt: null,
    lastReplyId: null,
    repliers: [],
    attachments: [],
    mentions: [],
    mentionsRoom: false,
    ...fields,
  };
}
