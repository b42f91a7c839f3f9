// A room this user may be in: its name and connection state, who is online, the messages, the message box, and
// (in a private room) the members panel; once removed, only what was said before and the way out.
import type { RoomMembers } from "../../../features/rooms/rooms.schema";
import { ErrorAlert } from "../../components/error-alert";
import { BackToRooms } from "./back-to-rooms";
import { Composer } from "./composer";
import { ConnectionStatus } from "./connection-status";
import { MembersPanel } from "./members-panel";
import { MessageList } from "./message-list";
import { useLiveRoom } from "./use-live-room";

const REMOVED_TEXT = "You were removed from this room.";

export function RoomView({
  room,
  info,
  reloadMembers,
}: {
  room: string;
  info: RoomMembers;
  reloadMembers: () => Promise<RoomMembers>;
}) {
  const isPrivate = info.visibility === "private";
  const live = useLiveRoom(room, isPrivate, reloadMembers);
  const { removed } = live;

  return (
    <section aria-labelledby="room-heading" className="room">
      <header className="row spread wrap">
        <h1 id="room-heading" className="wrap-anywhere">
          #{room}
          {isPrivate && (
            <>
              {" "}
              <span className="badge private">private</span>
            </>
          )}
        </h1>
        <ConnectionStatus state={live.state} retryIn={live.retryIn} removed={removed} />
      </header>
      {removed && (
        <p role="alert" className="card error" data-testid="room-removed">
          {REMOVED_TEXT} <BackToRooms />
        </p>
      )}
      <div className={isPrivate && !removed ? "room-body with-members" : "room-body"}>
        <div className="room-main">
          {!removed && (
            <p className="hint" data-testid="roster">
              Online: {live.roster.map((m) => m.displayName).join(", ") || "nobody yet"}
            </p>
          )}
          <MessageList
            room={room}
            messages={live.messages}
            previews={live.previews}
            olderBefore={live.olderBefore}
            onLoadOlder={() => void live.loadOlder()}
          />
          <p className="hint" aria-live="polite">
            {live.typing ?? "\u00a0"}
          </p>
          {!removed && <Composer onSend={live.send} onTyping={live.typed} />}
          <ErrorAlert text={live.notice} />
        </div>
        {isPrivate && !removed && (
          <MembersPanel room={room} info={info} reloadMembers={reloadMembers} leave={live.leave} />
        )}
      </div>
    </section>
  );
}
