// A live room: messages, presence, typing, scroll back through history, and a visible connection state.
// The room is asked for over HTTP first (GET /api/rooms/{room}): a room that does not exist (or is private and
// this user is not a member) answers 404, and then no socket is opened — opening one would create the room —
// but the page offers to create it. The answer also says where this reader left off (the "New messages" line).
import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { ROOM_NAME } from "../../features/rooms/rooms.schema";
import { ApiError, api, isNotFound, ok } from "../api";
import { ErrorAlert } from "../components/error-alert";
import { BackToRooms } from "./room/back-to-rooms";
import { RoomNotFound } from "./room/room-not-found";
import { RoomView } from "./room/room-view";

function RoomMessage({ room, children }: { room: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby="room-heading" className="room-missing">
      <h1 id="room-heading" className="wrap-anywhere">
        #{room}
      </h1>
      {children}
    </section>
  );
}

export function RoomPage({ room }: { room: string }) {
  const valid = ROOM_NAME.test(room);
  const summary = useQuery({
    queryKey: ["room", room, "summary"],
    queryFn: () => ok(api.GET("/api/rooms/{room}", { params: { path: { room } } })),
    enabled: valid,
    // Read once per visit: the room's own socket keeps it current, and where the reader left off must not move.
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });

  if (!valid) {
    return (
      <RoomMessage room={room}>
        <p role="alert" className="wrap-anywhere">
          “{room}” is not a room name: names are 1–64 lower-case letters, digits, '-' or '_'.
        </p>
        <p>
          <BackToRooms />
        </p>
      </RoomMessage>
    );
  }
  if (summary.isPending) {
    return (
      <section aria-labelledby="room-heading" className="room-missing" aria-busy="true">
        <h1 id="room-heading" className="room-loading-title">
          #{room}
        </h1>
        <p className="hint">Opening the room…</p>
      </section>
    );
  }
  if (summary.isError) {
    if (isNotFound(summary.error)) return <RoomNotFound room={room} onCreated={() => summary.refetch()} />;
    return (
      <RoomMessage room={room}>
        <div className="card">
          <ErrorAlert
            text={summary.error instanceof ApiError ? summary.error.message : "The room could not be opened."}
          />
          <button type="button" onClick={() => void summary.refetch()}>
            Try again
          </button>
        </div>
      </RoomMessage>
    );
  }
  return <RoomView room={room} summary={summary.data} />;
}

/** The route /rooms/:room: one RoomPage per room name (a new name starts fresh). */
export function RoomRoute() {
  const { room = "" } = useParams();
  return <RoomPage key={room} room={room} />;
}
