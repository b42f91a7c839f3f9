// A room's live state over its socket: the room's log (messages as they are now: edits, deletes, reactions and
// thread replies applied live and after a resume), the main timeline built from it (earlier and later pages on
// demand, runs further back for linked messages), link previews, who is online and typing, what this user is
// still sending, the connection state, and whether this user was removed; plus sending (to the room or a thread,
// with attachments), editing, deleting, reacting, retrying, typing and leaving.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { ChatMessage, Member, RoomEvent, RoomLinkPreview } from "../../../features/rooms/rooms.schema";
import { api, isNotFound, ok } from "../../api";
import { roomsQuery } from "../../lib/queries";
import {
  type ConnectionState,
  createRoomClient,
  type OutboxEntry,
  type OutboxHold,
  type RoomClient,
} from "../../lib/room-client";
import { RoomLog } from "../../lib/room-log";
import { SESSION_KEY } from "../../lib/session";
import { refusalText } from "./room-api";
import { type Anchor, initialTimeline, type Timeline, timelineReducer } from "./timeline";
import { useHistoryPaging } from "./use-history-paging";
import { useTypers } from "./use-typers";

export type { PageStatus } from "./use-history-paging";

/** The previews of the links in each message, by message id. */
export type Previews = Record<number, { url: string; preview: RoomLinkPreview | null }[]>;

export const MAX_MESSAGE_LENGTH = 4_000;

export interface SendOptions {
  threadRootId?: number;
  attachments?: string[];
}

export function useLiveRoom(room: string, isPrivate: boolean, meId: string | null) {
  const queryClient = useQueryClient();
  const [removed, setRemoved] = useState(false);
  const leaving = useRef(false);
  const [timeline, dispatch] = useReducer(timelineReducer, initialTimeline);
  const timelineRef = useRef<Timeline>(timeline);
  timelineRef.current = timeline;
  const log = useRef<RoomLog>(new RoomLog(meId));
  /** Bumped whenever the log changes (a thread's panel reads its replies from the log). */
  const [logVersion, bumpLog] = useReducer((n: number) => n + 1, 0);
  const [previews, setPreviews] = useState<Previews>({});
  const [roster, setRoster] = useState<Member[]>([]);
  const [state, setState] = useState<ConnectionState>("connecting");
  const [retryIn, setRetryIn] = useState<number | undefined>();
  const typers = useTypers();
  const [notice, setNotice] = useState<string | null>(null);
  const [outbox, setOutbox] = useState<{ entries: OutboxEntry[]; hold: OutboxHold }>({ entries: [], hold: null });
  /** Messages from others that arrived while the newest ones were out of sight. */
  const [unseen, setUnseen] = useState(0);
  const seeingNewest = useRef(true);
  const client = useRef<RoomClient | null>(null);
  const [me, setMe] = useState<string | null>(meId);
  const meRef = useRef<string | null>(meId);

  /** Messages read over HTTP, through the log: one already here keeps its live copy (events may be newer). */
  const ingest = useCallback((messages: ChatMessage[]): ChatMessage[] => {
    const current = log.current;
    const out: ChatMessage[] = [];
    for (const m of messages) {
      if (!current.messages.has(m.id)) current.message(m);
      const now = current.messages.get(m.id) ?? m;
      if (now.threadRootId === null) out.push(now);
    }
    bumpLog();
    return out;
  }, []);
  const paging = useHistoryPaging(room, timelineRef, dispatch, ingest);

  useEffect(() => {
    const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/rooms/${room}/ws`;
    let attempts = 0;
    /** Times the socket carried on after a 4401 because the browser still had a session (a password change). */
    let resumes = 0;
    const url = async () => {
      attempts++;
      // A private room's socket fails without a status once access is gone (removed while offline): before
      // each reconnect, ask over HTTP, which says 404, rather than retry forever. Public rooms cannot refuse.
      if (attempts > 1 && isPrivate) {
        try {
          await ok(api.GET("/api/rooms/{room}", { params: { path: { room } } }));
        } catch (e) {
          // Any other failure (offline, a restart): let the socket attempt decide, as for a public room.
          if (!isNotFound(e)) return wsUrl;
          setRemoved(true);
          client.current?.close();
          throw e;
        }
      }
      return wsUrl;
    };
    /** A message in the log changed: the timeline shows its new copy (a thread's panel reads the log). */
    const changed = (id: number) => {
      const m = log.current.messages.get(id);
      if (m && m.threadRootId === null) dispatch({ type: "update", messages: [m] });
      bumpLog();
    };
    const roomClient = createRoomClient({
      url,
      on: {
        state: (next, detail) => {
          setState(next);
          setRetryIn(detail.retryInMs);
        },
        welcome: (you, members) => {
          meRef.current = you.userId;
          setMe(you.userId);
          setRoster(members);
        },
        message: (m: ChatMessage) => {
          log.current.message(m);
          typers.stop(m.userId);
          if (m.threadRootId !== null) {
            // A thread reply: not in the main timeline; its root's summary changed.
            changed(m.threadRootId);
            return;
          }
          dispatch({ type: "live", messages: [log.current.messages.get(m.id) ?? m] });
          bumpLog();
          if (timelineRef.current.ready && m.userId !== meRef.current && !seeingNewest.current) {
            setUnseen((n) => n + 1);
          }
        },
        event: (e: RoomEvent) => {
          log.current.event(e);
          if (e.kind === "delete") {
            setPreviews((current) => {
              if (!(e.messageId in current)) return current;
              const { [e.messageId]: _gone, ...rest } = current;
              return rest;
            });
          }
          changed(e.messageId);
        },
        synced: () => dispatch({ type: "synced" }),
        presence: (members) => {
          setRoster(members);
          typers.keepOnly(members);
        },
        // Someone was added, left or was removed: the members panel shows the list as it is now.
        membership: () => {
          if (isPrivate) void queryClient.invalidateQueries({ queryKey: ["room", room, "members"] });
        },
        preview: (messageId, link, preview) =>
          setPreviews((current) => ({
            ...current,
            [messageId]: [...(current[messageId] ?? []).filter((p) => p.url !== link), { url: link, preview }],
          })),
        typing: (member) => {
          if (member.userId !== meRef.current) typers.typing(member);
        },
        outbox: (entries, hold) => setOutbox({ entries, hold }),
        refused: (_id, reason, code, opId) => {
          setNotice(refusalText(reason, code));
          // An edit, delete or reaction refused for good has nothing to retry: the notice says why.
          if (opId) roomClient.discard(opId);
        },
        gap: () => {
          dispatch({ type: "reset" });
          setNotice("You missed a lot while away: the newest messages are shown; scroll up for earlier ones.");
        },
        removed: () => {
          // Leaving closes this socket with the same code; the page is on its way to the rooms list then.
          if (!leaving.current) setRemoved(true);
        },
        // 4401: the session the socket was opened with ended. Ask who is signed in now: nobody sends the user to
        // sign in (RequireUser, with a way back here); a new session (password changed in this browser) carries on.
        sessionEnded: () => {
          void (async () => {
            await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
            if (queryClient.getQueryData(SESSION_KEY) && resumes < 3) {
              resumes++;
              roomClient.resume();
            } else {
              setNotice("Your session has ended. Sign in again to continue.");
            }
          })();
        },
      },
    });
    client.current = roomClient;
    const offline = () => roomClient.drop();
    const online = () => roomClient.reconnectNow();
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      roomClient.close();
      client.current = null;
    };
  }, [room, isPrivate, queryClient, typers.stop, typers.keepOnly, typers.typing]);

  const { resetPaging } = paging;
  const jumpToLatest = useCallback(() => {
    setUnseen(0);
    resetPaging();
    dispatch({ type: "latest" });
  }, [resetPaging]);

  /** Shows the run on screen afresh at `anchor` (the first opening, when the anchor is already loaded). */
  const show = useCallback((anchor: Anchor) => dispatch({ type: "show", anchor }), []);

  /** Whether the newest messages are in sight (the list is at its bottom, showing the newest run). */
  const setSeeingNewest = useCallback((seeing: boolean) => {
    seeingNewest.current = seeing;
    if (seeing) setUnseen(0);
  }, []);

  const tooLong = useCallback((text: string) => {
    if (text.length <= MAX_MESSAGE_LENGTH) return false;
    setNotice(`Messages can be at most ${MAX_MESSAGE_LENGTH.toLocaleString()} characters.`);
    return true;
  }, []);

  /** Sends a message (to a thread when `threadRootId` is given); answers false (with a notice) when it cannot go. */
  const send = useCallback(
    (text: string, options: SendOptions = {}) => {
      if (tooLong(text) || !client.current) return false;
      // Written while reading further back: the conversation is at the bottom.
      if (options.threadRootId === undefined && timelineRef.current.detached) dispatch({ type: "latest" });
      client.current.send(text, options);
      setNotice(null);
      return true;
    },
    [tooLong],
  );

  const edit = useCallback(
    (messageId: number, text: string) => {
      if (tooLong(text) || !client.current) return false;
      client.current.edit(messageId, text);
      setNotice(null);
      return true;
    },
    [tooLong],
  );
  const remove = useCallback((messageId: number) => client.current?.remove(messageId), []);
  const react = useCallback(
    (messageId: number, emoji: string, add: boolean) => client.current?.react(messageId, emoji, add),
    [],
  );

  const typed = useCallback(() => client.current?.typing(), []);
  const retry = useCallback(() => client.current?.retry(), []);
  const discard = useCallback((clientMessageId: string) => client.current?.discard(clientMessageId), []);

  /** Leaves the room (a member, not the owner); a refusal is thrown to the caller. */
  const leave = useCallback(
    async (userId: string) => {
      leaving.current = true;
      try {
        await ok(api.DELETE("/api/rooms/{room}/members/{userId}", { params: { path: { room, userId } } }));
      } catch (e) {
        leaving.current = false;
        throw e;
      }
      await queryClient.invalidateQueries({ queryKey: roomsQuery.queryKey });
    },
    [room, queryClient],
  );

  return {
    me,
    log: log.current,
    logVersion,
    timeline,
    previews,
    roster,
    state,
    retryIn,
    typing: typers.text,
    notice,
    outbox,
    removed,
    unseen,
    ...paging,
    ingest,
    show,
    jumpToLatest,
    setSeeingNewest,
    send,
    edit,
    remove,
    react,
    typed,
    retry,
    discard,
    leave,
  };
}

export type LiveRoom = ReturnType<typeof useLiveRoom>;
