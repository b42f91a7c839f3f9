// A room's live state over its socket: the message timeline (earlier and later pages on demand, runs further
// back for linked messages), link previews, who is online and typing, what this user is still sending, the
// connection state, and whether this user was removed; plus sending, retrying, typing and leaving.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import type { Member, RoomLinkPreview } from "../../../features/rooms/rooms.schema";
import { api, errorMessage, isNotFound, ok } from "../../api";
import { roomsQuery } from "../../lib/queries";
import {
  type ConnectionState,
  createRoomClient,
  type OutboxEntry,
  type OutboxHold,
  type RoomClient,
} from "../../lib/room-client";
import { SESSION_KEY } from "../../lib/session";
import { type Anchor, hasOlder, initialTimeline, shown, type Timeline, timelineReducer } from "./timeline";

/** The previews of the links in each message, by message id. */
export type Previews = Record<number, { url: string; preview: RoomLinkPreview | null }[]>;

/** Loading a page of history: idle, under way, or failed (with the sentence to show). */
export type PageStatus = { kind: "idle" } | { kind: "loading" } | { kind: "error"; message: string };

/** Messages per history page. */
const PAGE = 100;
/** A typing indicator stays this long after the last typing frame (senders repeat every 2.5 s while typing). */
export const TYPING_SHOWN_MS = 4_500;
export const MAX_MESSAGE_LENGTH = 4_000;

const IDLE: PageStatus = { kind: "idle" };

/** "Ada is typing…", "Ada and Bob are typing…", "Several people are typing…". */
export function typingText(names: string[]): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return "Several people are typing…";
}

async function historyPage(room: string, before: number, limit: number) {
  return ok(api.GET("/api/rooms/{room}/history", { params: { path: { room }, query: { before, limit } } }));
}

export function useLiveRoom(room: string, isPrivate: boolean) {
  const queryClient = useQueryClient();
  const [removed, setRemoved] = useState(false);
  const leaving = useRef(false);
  const [timeline, dispatch] = useReducer(timelineReducer, initialTimeline);
  const timelineRef = useRef<Timeline>(timeline);
  timelineRef.current = timeline;
  const [previews, setPreviews] = useState<Previews>({});
  const [roster, setRoster] = useState<Member[]>([]);
  const [state, setState] = useState<ConnectionState>("connecting");
  const [retryIn, setRetryIn] = useState<number | undefined>();
  const [typers, setTypers] = useState<{ userId: string; name: string }[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [outbox, setOutbox] = useState<{ entries: OutboxEntry[]; hold: OutboxHold }>({ entries: [], hold: null });
  const [older, setOlder] = useState<PageStatus>(IDLE);
  const loading = useRef({ older: false, newer: false });
  const [newer, setNewer] = useState<PageStatus>(IDLE);
  /** Messages from others that arrived while the newest ones were out of sight. */
  const [unseen, setUnseen] = useState(0);
  const seeingNewest = useRef(true);
  const client = useRef<RoomClient | null>(null);
  const [me, setMe] = useState<string | null>(null);
  const meRef = useRef<string | null>(null);

  useEffect(() => {
    const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/rooms/${room}/ws`;
    let attempts = 0;
    /** Times the socket carried on after a 4401 because the browser still had a session (a password change). */
    let resumes = 0;
    const typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
    const stopTyping = (userId: string) => {
      const timer = typingTimers.get(userId);
      if (timer === undefined) return;
      clearTimeout(timer);
      typingTimers.delete(userId);
      setTypers((current) => current.filter((t) => t.userId !== userId));
    };
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
        message: (m) => {
          dispatch({ type: "live", messages: [m] });
          stopTyping(m.userId);
          if (timelineRef.current.ready && m.userId !== meRef.current && !seeingNewest.current) {
            setUnseen((n) => n + 1);
          }
        },
        synced: () => dispatch({ type: "synced" }),
        presence: (members) => {
          setRoster(members);
          // Someone who left stops typing.
          for (const userId of typingTimers.keys()) if (!members.some((m) => m.userId === userId)) stopTyping(userId);
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
          if (member.userId === meRef.current) return;
          const timer = typingTimers.get(member.userId);
          if (timer !== undefined) clearTimeout(timer);
          else setTypers((current) => [...current, { userId: member.userId, name: member.displayName }]);
          typingTimers.set(
            member.userId,
            setTimeout(() => stopTyping(member.userId), TYPING_SHOWN_MS),
          );
        },
        outbox: (entries, hold) => setOutbox({ entries, hold }),
        refused: (_id, reason) => setNotice(reason),
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
      for (const timer of typingTimers.values()) clearTimeout(timer);
      typingTimers.clear();
      roomClient.close();
      client.current = null;
    };
  }, [room, isPrivate, queryClient]);

  /** Loads the page before the run on screen (scrolling up); a failure is kept for a Retry button. */
  const loadOlder = useCallback(async () => {
    const t = timelineRef.current;
    const first = shown(t).messages[0]?.id;
    if (first === undefined || !hasOlder(t) || loading.current.older) return;
    loading.current.older = true;
    setOlder({ kind: "loading" });
    try {
      const page = await historyPage(room, first, PAGE);
      dispatch({ type: "older", version: t.version, messages: page.messages, startReached: page.nextBefore === null });
      setOlder(IDLE);
    } catch (e) {
      setOlder({ kind: "error", message: errorMessage(e) });
    } finally {
      loading.current.older = false;
    }
  }, [room]);

  /** Loads the page after a run further back (scrolling down); when it meets the newest messages, they join. */
  const loadNewer = useCallback(async () => {
    const t = timelineRef.current;
    const last = t.detached?.messages.at(-1)?.id;
    if (last === undefined || loading.current.newer) return;
    loading.current.newer = true;
    setNewer({ kind: "loading" });
    try {
      // History pages go backwards: the page before last + PAGE + 1 is the PAGE messages after `last`.
      const page = await historyPage(room, last + PAGE + 1, PAGE);
      dispatch({ type: "newer", version: t.version, messages: page.messages });
      setNewer(IDLE);
    } catch (e) {
      setNewer({ kind: "error", message: errorMessage(e) });
    } finally {
      loading.current.newer = false;
    }
  }, [room]);

  /**
   * Shows message `id`: in the run on screen it is only scrolled to (the caller does that: answers "here");
   * otherwise the run holding it is loaded (the page before it and the page after) and shown around it.
   */
  const reveal = useCallback(
    async (
      id: number,
      anchor: Omit<Extract<Anchor, { kind: "message" }>, "id" | "kind">,
    ): Promise<"here" | "shown"> => {
      const t = timelineRef.current;
      const run = shown(t).messages;
      const target: Anchor = { kind: "message", id, ...anchor };
      if (run.length > 0 && (run[0]?.id ?? 0) <= id && id <= (run.at(-1)?.id ?? 0)) return "here";
      const latest = t.latest.messages;
      if (latest.length > 0 && (latest[0]?.id ?? 0) <= id) {
        dispatch({ type: "latest", anchor: target });
        return "shown";
      }
      const [before, after] = await Promise.all([
        historyPage(room, id + 1, PAGE),
        historyPage(room, id + PAGE + 1, PAGE),
      ]);
      setOlder(IDLE);
      setNewer(IDLE);
      dispatch({
        type: "detach",
        messages: [...before.messages, ...after.messages.filter((m) => m.id > id)],
        startReached: before.nextBefore === null,
        anchor: target,
      });
      return "shown";
    },
    [room],
  );

  /** Shows the run on screen afresh at `anchor` (the first opening, when the anchor is already loaded). */
  const show = useCallback((anchor: Anchor) => dispatch({ type: "show", anchor }), []);

  const jumpToLatest = useCallback(() => {
    setUnseen(0);
    setNewer(IDLE);
    setOlder(IDLE);
    dispatch({ type: "latest" });
  }, []);

  /** Whether the newest messages are in sight (the list is at its bottom, showing the newest run). */
  const setSeeingNewest = useCallback((seeing: boolean) => {
    seeingNewest.current = seeing;
    if (seeing) setUnseen(0);
  }, []);

  /** Sends a message; answers false (with a notice) when it cannot go. */
  const send = useCallback((text: string) => {
    if (text.length > MAX_MESSAGE_LENGTH) {
      setNotice(`Messages can be at most ${MAX_MESSAGE_LENGTH.toLocaleString()} characters.`);
      return false;
    }
    if (!client.current) return false;
    // Written while reading further back: the conversation is at the bottom.
    if (timelineRef.current.detached) dispatch({ type: "latest" });
    client.current.send(text);
    setNotice(null);
    return true;
  }, []);

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
    timeline,
    previews,
    roster,
    state,
    retryIn,
    typing: typingText(typers.map((t) => t.name)),
    notice,
    outbox,
    removed,
    older,
    newer,
    unseen,
    loadOlder,
    loadNewer,
    reveal,
    show,
    jumpToLatest,
    setSeeingNewest,
    send,
    typed,
    retry,
    discard,
    leave,
  };
}

export type LiveRoom = ReturnType<typeof useLiveRoom>;
