// A room this user may be in, filling the window below the shell's top bar so that only the messages scroll: the
// header, the messages (opened at the newest message, at a linked one — ?message=<id> or #m<id> — or where the
// reader left off), who is typing, the message box pinned at the bottom, and in a private room the members (a
// side panel on a wide screen, a dialog on a narrow one). Once removed: what was said before, and the way out.
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import type { ChatMessage, RoomSummary } from "../../../features/rooms/rooms.schema";
import { errorMessage } from "../../api";
import { ErrorAlert } from "../../components/error-alert";
import { useSession } from "../../lib/session";
import { BackToRooms } from "./back-to-rooms";
import { COMPOSER_ID, Composer } from "./composer";
import { MembersPanel, membersQuery } from "./members-panel";
import { MessageList, type MessageListHandle } from "./message-list";
import { useNow } from "./message-list-parts";
import type { MessageCommands } from "./message-view";
import { threadPage } from "./room-api";
import { RoomHeader } from "./room-header";
import { ThreadPanel } from "./thread-panel";
import { useLiveRoom } from "./use-live-room";
import { useReadCursor } from "./use-read-cursor";

const REMOVED_TEXT = "You were removed from this room.";
/** From this width the members panel sits beside the messages; below it, it is a dialog. */
const WIDE = "(min-width: 75rem)";

function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (change) => {
      const list = matchMedia(query);
      list.addEventListener("change", change);
      return () => list.removeEventListener("change", change);
    },
    () => matchMedia(query).matches,
  );
}

/** The message a link points at: ?message=<id>, or the older #m<id>. */
function useLinkedMessage(): number | null {
  const [params] = useSearchParams();
  const { hash } = useLocation();
  const fromQuery = Number(params.get("message"));
  if (Number.isSafeInteger(fromQuery) && fromQuery > 0) return fromQuery;
  const fromHash = /^#m(\d{1,15})$/.exec(hash)?.[1];
  return fromHash ? Number(fromHash) : null;
}

export function RoomView({ room, summary }: { room: string; summary: RoomSummary }) {
  const isPrivate = summary.visibility === "private";
  const { user } = useSession();
  const live = useLiveRoom(room, isPrivate, user?.id ?? null);
  const navigate = useNavigate();
  const location = useLocation();
  const { removed, timeline } = live;
  const wide = useMediaQuery(WIDE);
  const membersDialog = useRef<HTMLDialogElement>(null);
  const list = useRef<MessageListHandle>(null);

  // Where the reader left off, as it was when the room was opened (the divider stays there during the visit).
  const [opening] = useState(() => ({
    lastReadId: summary.lastReadId ?? summary.lastId,
    firstUnreadId: summary.unread > 0 && summary.lastReadId !== null ? summary.lastReadId + 1 : null,
  }));
  const linked = useLinkedMessage();
  const [opened, setOpened] = useState(false);
  const [atBottom, setAtBottom] = useState(true);
  const [linkNotice, setLinkNotice] = useState<string | null>(null);

  const detached = timeline.detached !== null;
  // The newest id of the room's log (thread replies and events included): reading the newest message reads them.
  const newestMessage = timeline.latest.messages.at(-1)?.id ?? null;
  const newest = newestMessage === null ? null : Math.max(newestMessage, live.log.lastId);
  const seeingNewest = opened && atBottom && !detached;
  const { setSeeingNewest, reveal } = live;
  useEffect(() => setSeeingNewest(seeingNewest), [seeingNewest, setSeeingNewest]);
  useReadCursor(room, seeingNewest ? newest : null, opening.lastReadId, !removed);

  const [threadId, setThreadId] = useState<number | null>(null);
  const [editingId, setEditingId] = useState<number | null>(null);
  const now = useNow();
  const members = useQuery({ ...membersQuery(room), enabled: isPrivate && !removed });
  const owner = members.data?.members.find((m) => m.role === "owner")?.userId;
  const moderator = user?.role === "admin" || (isPrivate && owner !== undefined && owner === user?.id);
  const { react, edit, remove } = live;
  const commands = useMemo<MessageCommands>(
    () => ({
      react,
      edit,
      remove,
      openThread: setThreadId,
      canDelete: (m: ChatMessage) => m.userId === user?.id || moderator,
      setEditing: setEditingId,
    }),
    [react, edit, remove, moderator, user?.id],
  );

  // The first opening, once the socket has delivered the newest messages: at the linked message, else at the
  // "New messages" divider, else at the bottom.
  // biome-ignore lint/correctness/useExhaustiveDependencies: decided once, when the room is first ready
  useEffect(() => {
    if (!timeline.ready || opened) return;
    let cancelled = false;
    const target = linked
      ? { id: linked, align: "center" as const, highlight: true }
      : opening.firstUnreadId !== null
        ? { id: opening.firstUnreadId, align: "start" as const, highlight: false }
        : null;
    (async () => {
      if (target) {
        try {
          const where = await reveal(target.id, target);
          if (where === "here") live.show({ kind: "message", ...target });
        } catch (e) {
          setLinkNotice(`That message could not be loaded. ${errorMessage(e)}`);
        }
      }
      if (!cancelled) setOpened(true);
    })();
    return () => {
      cancelled = true;
    };
  }, [timeline.ready]);

  // A linked message that is not in the main timeline may be a thread reply: its thread opens (the server files
  // a reply's id under its root).
  const onTargetMissing = useCallback(
    (id: number) => {
      void threadPage(room, id).then(
        (page) => setThreadId(page.root.id),
        () => setLinkNotice(`Message ${id} is not in #${room} any more (or never was).`),
      );
    },
    [room],
  );

  // A link to another message of this room while it is open (a citation, a link in a message).
  const handledLink = useRef<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows the URL
  useEffect(() => {
    if (!opened) {
      handledLink.current = location.key;
      return;
    }
    if (linked === null || handledLink.current === location.key) return;
    handledLink.current = location.key;
    setLinkNotice(null);
    void (async () => {
      try {
        const where = await reveal(linked, { align: "center", highlight: true });
        if (where === "here" && !list.current?.scrollToMessage(linked, true)) onTargetMissing(linked);
      } catch (e) {
        setLinkNotice(`That message could not be loaded. ${errorMessage(e)}`);
      }
    })();
  }, [linked, location.key, opened]);

  const jumpToLatest = () => {
    if (detached) live.jumpToLatest();
    else list.current?.scrollToBottom();
    document.getElementById(COMPOSER_ID)?.focus({ preventScroll: true });
  };

  const leave = async (userId: string) => {
    await live.leave(userId);
    navigate("/rooms");
  };

  const me = useMemo(() => (user ? { userId: user.id, displayName: user.displayName } : null), [user]);
  const thread = threadId !== null && !removed;
  const showAside = isPrivate && !removed && wide && !thread;
  // The notice goes once everything refused has gone (the outbox says hold: null when drained).
  const hold = live.outbox.entries.some((e) => e.status !== "sent") ? live.outbox.hold : null;

  return (
    <section aria-labelledby="room-heading" className="room-view">
      <RoomHeader
        room={room}
        isPrivate={isPrivate}
        roster={live.roster}
        state={live.state}
        retryIn={live.retryIn}
        removed={removed}
        onOpenMembers={isPrivate && !removed && !wide ? () => membersDialog.current?.showModal() : undefined}
      />
      {removed && (
        <p role="alert" className="card error" data-testid="room-removed">
          {REMOVED_TEXT} <BackToRooms />
        </p>
      )}
      <div className={`room-body${showAside ? " with-members" : ""}${thread ? " with-thread" : ""}`}>
        <div className="room-main">
          <div className="message-pane">
            {opened ? (
              <MessageList
                ref={list}
                room={room}
                live={live}
                me={me}
                firstUnreadId={opening.firstUnreadId}
                commands={commands}
                editingId={editingId}
                onAtBottom={setAtBottom}
                onTargetMissing={onTargetMissing}
              />
            ) : (
              <div className="messages loading" aria-busy="true" data-testid="messages-loading">
                <span className="sr-only">Loading messages…</span>
                {[70, 45, 85, 60, 35].map((width) => (
                  <span key={width} className="skeleton" style={{ width: `${width}%` }} />
                ))}
              </div>
            )}
            {opened && (detached || !atBottom) && (
              <button type="button" className="jump-latest" onClick={jumpToLatest} data-testid="jump-latest">
                {live.unseen > 0 ? `Jump to latest (${live.unseen} new)` : "Jump to latest"}
              </button>
            )}
          </div>
          <p className="typing" aria-live="polite" data-testid="typing">
            {live.typing ?? ""}
          </p>
          {hold === "rate-limited" && (
            <p className="notice" role="status" data-testid="sending-too-fast">
              You are sending messages too fast: the rest go out in order in a moment.
            </p>
          )}
          {hold === "not-stored" && (
            <p className="notice" role="status">
              A message could not be saved: sending it again.
            </p>
          )}
          <ErrorAlert text={live.notice ?? linkNotice} />
          {!removed && (
            <Composer
              room={room}
              onSend={(text, attachments) => live.send(text, attachments.length > 0 ? { attachments } : {})}
              onTyping={live.typed}
            />
          )}
        </div>
        {thread && threadId !== null && (
          <ThreadPanel
            key={threadId}
            room={room}
            rootId={threadId}
            live={live}
            me={me}
            commands={commands}
            editingId={editingId}
            now={now}
            onClose={() => {
              setThreadId(null);
              document.getElementById(COMPOSER_ID)?.focus({ preventScroll: true });
            }}
          />
        )}
        {showAside && (
          <div className="members-aside">
            <MembersPanel room={room} leave={leave} />
          </div>
        )}
      </div>
      {isPrivate && !removed && !wide && (
        <dialog ref={membersDialog} className="members-dialog" aria-labelledby="members-heading">
          <MembersPanel room={room} leave={leave} />
          <div className="actions">
            <button type="button" className="quiet" onClick={() => membersDialog.current?.close()}>
              Close
            </button>
          </div>
        </dialog>
      )}
    </section>
  );
}
