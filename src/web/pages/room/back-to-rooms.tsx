// The way out of a room this user cannot (or can no longer) use: a link back to the room list.
import { onLinkClick } from "../../lib/router";

export function BackToRooms() {
  return (
    <a href="/rooms" onClick={onLinkClick}>
      Back to rooms
    </a>
  );
}
