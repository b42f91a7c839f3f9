// A live room: messages, presence, typing, scroll back through history, and a visible connection state.
// Access is checked first (a private room answers 404 to non-members, and a socket that can never open would be
// retried forever); a private room also shows its members, who can add others by email, leave, or be removed.
import { useCallback, useEffect, useState } from "react";
import { useParams } from "react-router";
import type { RoomMembers } from "../../features/rooms/rooms.schema";
import { ErrorAlert } from "../components/error-alert";
import { api, errorMessage, isNotFound } from "../lib/api";
import { BackToRooms } from "./room/back-to-rooms";
import { RoomView } from "./room/room-view";

type Access =
  | { kind: "checking" }
  | { kind: "denied" }
  | { kind: "failed"; message: string }
  | { kind: "granted"; info: RoomMembers };

const PRIVATE_TEXT = "This room is private. Ask a member to add you.";

export function RoomPage({ room }: { room: string }) {
  const [access, setAccess] = useState<Access>({ kind: "checking" });

  /** Fetches the member list (and so whether this user may be here); a refusal is thrown to the caller. */
  const reloadMembers = useCallback(async () => {
    const info = await api<RoomMembers>(`/api/rooms/${room}/members`);
    setAccess({ kind: "granted", info });
    return info;
  }, [room]);

  const check = useCallback(async () => {
    setAccess({ kind: "checking" });
    try {
      await reloadMembers();
    } catch (e) {
      setAccess(isNotFound(e) ? { kind: "denied" } : { kind: "failed", message: errorMessage(e) });
    }
  }, [reloadMembers]);

  useEffect(() => {
    void check();
  }, [check]);

  if (access.kind === "granted") return <RoomView room={room} info={access.info} reloadMembers={reloadMembers} />;
  return (
    <section aria-labelledby="room-heading" className="room">
      <h1 id="room-heading" className="wrap-anywhere">
        #{room}
      </h1>
      {access.kind === "checking" && <p aria-busy="true">Opening the room…</p>}
      {access.kind === "denied" && (
        <div className="card">
          <p role="alert" data-testid="room-private">
            {PRIVATE_TEXT}
          </p>
          <p>
            <BackToRooms />
          </p>
        </div>
      )}
      {access.kind === "failed" && (
        <div className="card">
          <ErrorAlert text={access.message} />
          <button type="button" onClick={() => void check()}>
            Try again
          </button>
        </div>
      )}
    </section>
  );
}

/** The route /rooms/:room: one RoomPage per room name (a new name starts fresh). */
export function RoomRoute() {
  const { room = "" } = useParams();
  return <RoomPage key={room} room={room} />;
}
