// A ChatMessage for the room UI's tests: every field at its plain value, overridable.
import type { ChatMessage } from "../../../features/rooms/rooms.schema";

export function chatMessage(id: number, fields: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id,
    userId: "other",
    displayName: "Other",
    text: `m${id}`,
    clientMessageId: null,
    createdAt: "2026-01-01T00:00:00.000Z",
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
