// A ChatMessage for the room UI's tests: the shared test fixture (test/chat-message.ts), from someone else, dated.

import { chatMessage as base } from "../../../../test/chat-message";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";

export function chatMessage(id: number, fields: Partial<ChatMessage> = {}): ChatMessage {
  return base({ id, userId: "other", displayName: "Other", createdAt: "2026-01-01T00:00:00.000Z", ...fields });
}
