// The top of a room: its name (cut short with an ellipsis when long; the whole name is in its title), whether it
// is private, who is online, the connection state, and (a private room on a narrow screen) the Members button.
import type { Member } from "../../../features/rooms/rooms.schema";
import type { ConnectionState } from "../../lib/room-client";
import { ConnectionStatus } from "./connection-status";

export function RoomHeader({
  room,
  isPrivate,
  roster,
  state,
  retryIn,
  removed,
  onOpenMembers,
}: {
  room: string;
  isPrivate: boolean;
  roster: Member[];
  state: ConnectionState;
  retryIn: number | undefined;
  removed: boolean;
  /** Given: the members panel is a dialog, opened from here. */
  onOpenMembers?: () => void;
}) {
  const online = roster.map((m) => m.displayName).join(", ");
  return (
    <header className="room-header">
      <div className="room-title">
        <h1 id="room-heading" title={`#${room}`}>
          #{room}
        </h1>
        {isPrivate && (
          <span className="badge private" title="Only members see this room">
            private
          </span>
        )}
      </div>
      <div className="room-tools">
        <ConnectionStatus state={state} retryIn={retryIn} removed={removed} />
        {onOpenMembers && (
          <button type="button" className="quiet small" aria-haspopup="dialog" onClick={onOpenMembers}>
            Members
          </button>
        )}
      </div>
      {!removed && (
        <p className="hint roster" data-testid="roster" title={online || undefined}>
          Online: {online || "nobody yet"}
        </p>
      )}
    </header>
  );
}
