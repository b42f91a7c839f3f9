// A room address that leads nowhere (no such room, or a private one this user is not in: the server answers both
// the same way): say so, offer to create it (public or private), and the way back to the room list. Nothing here
// opens the room's socket, which would create the room.
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import type { RoomVisibility } from "../../../features/rooms/rooms.schema";
import { ApiError, api, errorMessage, ok } from "../../api";
import { roomsQuery } from "../../lib/queries";

/** Whether `room` now exists and this user may open it. */
async function isOpenToMe(room: string): Promise<boolean> {
  try {
    const { response } = await api.GET("/api/rooms/{room}", { params: { path: { room } } });
    return response.ok;
  } catch {
    return false;
  }
}

export function RoomNotFound({ room, onCreated }: { room: string; onCreated: () => Promise<unknown> }) {
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const visibility: RoomVisibility =
      new FormData(event.currentTarget).get("visibility") === "private" ? "private" : "public";
    setCreating(true);
    setError(null);
    try {
      await ok(api.POST("/api/rooms", { body: { name: room, visibility } }));
      await queryClient.invalidateQueries({ queryKey: roomsQuery.queryKey });
      await onCreated();
    } catch (e) {
      const exists = e instanceof ApiError && e.code === "room-exists";
      // Someone may have just created it, public: then it opens. Asked aside rather than by reloading the page's
      // own question, which would start this page afresh (and lose the sentence below) when the answer is 404.
      if (exists && (await isOpenToMe(room))) {
        await onCreated();
        return;
      }
      setError(
        exists
          ? `A room called #${room} already exists, but it is private: ask one of its members to add you.`
          : errorMessage(e),
      );
      setCreating(false);
    }
  };

  return (
    <section aria-labelledby="room-heading" className="room-missing narrow-page">
      <h1 id="room-heading" className="wrap-anywhere" data-testid="room-not-found">
        There is no room called #{room}
      </h1>
      <p>You can create it now. If it is a private room, you can see it only once one of its members adds you.</p>
      <form className="card stack" aria-label={`Create #${room}`} onSubmit={(e) => void create(e)}>
        <fieldset className="choices">
          <legend>Who can join it</legend>
          <label className="checkbox">
            <input type="radio" name="visibility" value="public" defaultChecked />
            Public: everyone signed in can find and join it
          </label>
          <label className="checkbox">
            <input type="radio" name="visibility" value="private" />
            Private: only the members you add
          </label>
        </fieldset>
        <button type="submit" disabled={creating}>
          <span className="wrap-anywhere">{creating ? "Creating…" : `Create #${room}`}</span>
        </button>
        {error && (
          <p className="error wrap-anywhere" role="alert" data-testid="create-room-error">
            {error}
          </p>
        )}
      </form>
      <p>
        <Link to="/rooms">Back to rooms</Link>
      </p>
    </section>
  );
}
