// A room's unread and mention counts, from the reader's server-side cursor (RoomSummary): exact numbers, a
// distinct badge for mentions, and nothing for a room never visited (its history is not "unread").
import type { RoomSummary } from "../../features/rooms/rooms.schema";
import { badgeText } from "./tab-title";

type Counted = Pick<RoomSummary, "unread" | "lastReadId"> & { mentions?: number };

/** The counts to show: both 0 for a room this reader never opened. */
export function roomCounts(room: Counted): { unread: number; mentions: number } {
  if (room.lastReadId === null) return { unread: 0, mentions: 0 };
  return { unread: Math.max(0, room.unread ?? 0), mentions: Math.max(0, room.mentions ?? 0) };
}

/** Badges: "@2" (mentions) and "5" (unread); nothing when all is read. */
export function RoomCounts({ room }: { room: Counted }) {
  const { unread, mentions } = roomCounts(room);
  const mentionText = badgeText(mentions);
  const unreadText = badgeText(unread);
  return (
    <>
      {mentionText && (
        <span className="badge mention" data-testid="mentions" title={`${mentions} mentioning you`}>
          @{mentionText}
          <span className="sr-only"> {mentions === 1 ? "mention" : "mentions"}</span>
        </span>
      )}
      {unreadText && (
        <span className="badge" data-testid="unread-count" title={`${unread} unread`}>
          {unreadText}
          <span className="sr-only"> unread</span>
        </span>
      )}
    </>
  );
}
