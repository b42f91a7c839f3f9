// The room list: message counts and who is online, and a form to open any room by name.
import { type FormEvent, useEffect, useState } from "react";
import { ROOM_NAME, type RoomSummary } from "../../features/rooms/rooms.schema";
import { api } from "../lib/api";
import { lastRead } from "../lib/read-marks";
import { navigate, onLinkClick } from "../lib/router";
import { useSession } from "../lib/session";

export function RoomsPage() {
  const { user } = useSession();
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);

  useEffect(() => {
    api<{ rooms: RoomSummary[] }>("/api/rooms")
      .then((r) => setRooms(r.rooms))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  const open = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("room") ?? "")
      .trim()
      .toLowerCase();
    if (!ROOM_NAME.test(name)) {
      setNameError("Use 1–64 lower-case letters, digits, '-' or '_', starting with a letter or digit.");
      return;
    }
    navigate(`/rooms/${name}`);
  };

  return (
    <>
      <h1>Rooms</h1>
      <form onSubmit={open} className="row" aria-label="Open a room">
        <label className="grow">
          <span className="sr-only">Room name</span>
          <input name="room" placeholder="general" aria-describedby="room-hint" />
        </label>
        <button type="submit">Open room</button>
      </form>
      <p id="room-hint" className={nameError ? "error" : "hint"} role={nameError ? "alert" : undefined}>
        {nameError ?? "Open an existing room below, or name a new one."}
      </p>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!rooms && !error && <p aria-busy="true">Loading rooms…</p>}
      {rooms?.length === 0 && <p>No rooms yet. Open one above.</p>}
      <ul className="list">
        {rooms?.map((room) => (
          <li key={room.name} className="card">
            <a href={`/rooms/${room.name}`} onClick={onLinkClick}>
              <strong>#{room.name}</strong>
            </a>{" "}
            <span className="hint">
              {room.messageCount} messages
              {user && room.messageCount > lastRead(user.id, room.name) ? (
                <strong data-testid="unread"> · {room.messageCount - lastRead(user.id, room.name)} unread</strong>
              ) : null}{" "}
              · {room.online.length} online
              {room.online.length > 0 ? `: ${room.online.map((m) => m.displayName).join(", ")}` : ""}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
