// Messages that match a search: one RPC per room the user may read, in parallel, merged newest first.
import type { Logger } from "@outpost/edge-kit/context";
import type { MessageHit } from "./search.schema";
import { snippetOf } from "./search-terms";

/** A room answers at most this many (ChatRoom.search's own cap). */
const PER_ROOM_MAX = 20;

/**
 * Up to `limit` messages containing any of `terms` (at least one) in `rooms`, newest first. A room that fails
 * to answer is left out (and logged) rather than failing the whole search; deleted messages never appear.
 */
export async function findMessages(
  env: Pick<Env, "CHAT_ROOM">,
  rooms: readonly string[],
  terms: string[],
  limit: number,
  logger?: Logger,
): Promise<MessageHit[]> {
  const perRoom = Math.min(limit, PER_ROOM_MAX);
  const found = await Promise.all(
    rooms.map(async (room) => {
      try {
        const messages = await env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(room)).search(terms, perRoom);
        return messages.map((message) => ({ room, message }));
      } catch (error) {
        logger?.warn("search: a room did not answer", { room, error: String(error) });
        return [];
      }
    }),
  );
  return found
    .flat()
    .filter(({ message }) => !message.deletedAt)
    .sort((a, b) => b.message.createdAt.localeCompare(a.message.createdAt) || b.message.id - a.message.id)
    .slice(0, limit)
    .map(({ room, message }) => ({ room, message, snippet: snippetOf(message.text, terms) }));
}
