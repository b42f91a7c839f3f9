// The way out of a room this user cannot (or can no longer) use: a link back to the room list.
import { Link } from "react-router";

export function BackToRooms() {
  return <Link to="/rooms">Back to rooms</Link>;
}
