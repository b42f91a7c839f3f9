// The room list: message counts, exact unread and mention counts (the server keeps where each reader left off; a
// room never visited shows none) and who is online, a form to open any room by name, and one to create a room
// (public, or private: only its members see it). New inbox entries refresh it (the shell's inbox socket).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ROOM_NAME, type RoomVisibility } from "../../features/rooms/rooms.schema";
import { ApiError, api, errorMessage, ok } from "../api";
import { ErrorAlert } from "../components/error-alert";
import { roomsQuery } from "../lib/queries";
import { roomCounts } from "../shell/room-counts";

const NAME_RULE = "Use 1–64 lower-case letters, digits, '-' or '_', starting with a letter or digit.";
/**
 * ROOM_NAME for an input's `pattern` (matched whole, so without ^ and $). Browsers compile it with the `v` flag,
 * where a bare '-' in a character class is a syntax error: escape it.
 */
const ROOM_NAME_PATTERN = ROOM_NAME.source.replace(/^\^|\$$/g, "").replace(/(?<!\\)-\]/g, "\\-]");

export function RoomsPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const query = useQuery(roomsQuery);
  const rooms = query.data ?? null;
  const error = query.isError ? errorMessage(query.error) : null;
  const [nameError, setNameError] = useState<string | null>(null);
  const [createError, setCreateError] = useState<{ text: string; existing?: string } | null>(null);
  const [creating, setCreating] = useState(false);

  const open = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("room") ?? "")
      .trim()
      .toLowerCase();
    if (!ROOM_NAME.test(name)) {
      setNameError(NAME_RULE);
      return;
    }
    navigate(`/rooms/${name}`);
  };

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const visibility: RoomVisibility = form.get("private") ? "private" : "public";
    if (!ROOM_NAME.test(name)) {
      setCreateError({ text: NAME_RULE });
      return;
    }
    setCreating(true);
    setCreateError(null);
    try {
      await ok(api.POST("/api/rooms", { body: { name, visibility } }));
      await queryClient.invalidateQueries({ queryKey: roomsQuery.queryKey });
      navigate(`/rooms/${name}`);
    } catch (e) {
      const exists = e instanceof ApiError && e.code === "room-exists";
      setCreateError({
        text: exists ? `A room named #${name} already exists. Pick another name.` : errorMessage(e),
        // Only a room this user can see is worth a link; a private one of others' would just say "private".
        existing: exists && rooms?.some((r) => r.name === name) ? name : undefined,
      });
      setCreating(false);
    }
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
      <section className="card new-room" aria-labelledby="new-room-heading">
        <h2 id="new-room-heading">New room</h2>
        <form onSubmit={(e) => void create(e)} className="row wrap new-room-form" aria-label="Create a room">
          <label className="grow">
            <span>Name</span>
            <input
              name="name"
              required
              maxLength={64}
              pattern={ROOM_NAME_PATTERN}
              title={NAME_RULE}
              autoComplete="off"
              spellCheck={false}
              placeholder="team-plans"
              aria-describedby="new-room-hint"
              aria-invalid={createError ? true : undefined}
            />
          </label>
          <label className="checkbox">
            <input type="checkbox" name="private" aria-describedby="new-room-hint" />
            Private
          </label>
          <button type="submit" disabled={creating}>
            {creating ? "Creating…" : "Create"}
          </button>
        </form>
        {createError ? (
          <p id="new-room-hint" className="new-room-note error" role="alert" data-testid="create-room-error">
            {createError.text}
            {createError.existing && (
              <>
                {" "}
                <Link to={`/rooms/${createError.existing}`}>Open #{createError.existing}</Link>
              </>
            )}
          </p>
        ) : (
          <p id="new-room-hint" className="new-room-note hint">
            Lower-case letters, digits, '-' or '_'. A private room is listed and open only to the members you add.
          </p>
        )}
      </section>
      <ErrorAlert text={error} />
      {!rooms && !error && <p aria-busy="true">Loading rooms…</p>}
      {rooms?.length === 0 && <p>No rooms yet. Open or create one above.</p>}
      <ul className="list">
        {rooms?.map((room) => {
          const { unread, mentions } = roomCounts(room);
          return (
            <li key={room.name} className="card wrap-anywhere" data-room={room.name} data-visibility={room.visibility}>
              <Link to={`/rooms/${room.name}`}>
                <strong>#{room.name}</strong>
              </Link>{" "}
              {room.visibility === "private" && (
                <>
                  <span className="badge private" data-testid="private-badge" title="Only members see this room">
                    private
                  </span>{" "}
                </>
              )}
              <span className="hint">
                {room.messageCount} {room.messageCount === 1 ? "message" : "messages"}
                {unread > 0 ? <strong data-testid="unread"> · {unread} unread</strong> : null}
                {mentions > 0 ? (
                  <strong className="mention-count" data-testid="mentions">
                    {" "}
                    · {mentions} {mentions === 1 ? "mention" : "mentions"}
                  </strong>
                ) : null}{" "}
                · {room.online.length} online
                {room.online.length > 0 ? `: ${room.online.map((m) => m.displayName).join(", ")}` : ""}
              </span>
            </li>
          );
        })}
      </ul>
    </>
  );
}
