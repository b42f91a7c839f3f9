// The room's connection state in words: connected, reconnecting (and when), offline, or removed from the room.
import type { ConnectionState } from "../../lib/room-client";

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Connection lost — reconnecting",
  closed: "Disconnected",
};

export function ConnectionStatus({
  state,
  retryIn,
  removed,
}: {
  state: ConnectionState;
  retryIn: number | undefined;
  removed: boolean;
}) {
  return (
    <p className={`status ${state}`} role="status" data-testid="connection-state">
      {removed
        ? "Removed"
        : state === "reconnecting" && !navigator.onLine
          ? "Connection lost — offline; reconnects when the network is back"
          : STATE_TEXT[state]}
      {!removed && state === "reconnecting" && navigator.onLine && retryIn !== undefined
        ? ` in ${Math.ceil(retryIn / 1000)} s`
        : ""}
    </p>
  );
}
