// The signed-in user's inbox, for the whole shell: one socket (inbox-client) kept while signed in, the unread count
// for the nav badge and the tab title, and what a new entry sets off: the room list and the inbox page refresh,
// and a browser Notification when the user allowed them and this tab is hidden. Permission is asked only from
// the inbox page's button, never on load. Mentions in a room the user is looking at are marked read (they are
// in front of them, as the room's own read cursor assumes).
import { type InfiniteData, type QueryClient, useQueryClient } from "@tanstack/react-query";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { useLocation } from "react-router";
import type { InboxEntry, InboxPage } from "../../features/inbox/inbox.schema";
import { createInboxClient, type InboxClient, type InboxConnectionState, seenInRoom } from "../lib/inbox-client";
import { messageLink } from "../lib/message-link";
import { INBOX_KEY, markInboxRead, roomsQuery } from "../lib/queries";
import { navigate } from "../lib/router";
import { SESSION_KEY } from "../lib/session";

interface InboxValue {
  unread: number;
  state: InboxConnectionState;
  /** Marks entries read (or all of them); the badge follows the server's answer. */
  markRead(body: { ids: number[] } | { all: true }): Promise<void>;
}

const InboxContext = createContext<InboxValue>({
  unread: 0,
  state: "closed",
  markRead: async () => {},
});

export function useInbox(): InboxValue {
  return useContext(InboxContext);
}

/** What a notification says about an entry. */
export function notificationText(entry: Pick<InboxEntry, "kind" | "room" | "from" | "excerpt">): {
  title: string;
  body: string;
} {
  const who = entry.from.displayName;
  const title =
    entry.kind === "reply"
      ? `${who} replied in a thread in #${entry.room}`
      : entry.kind === "room-mention"
        ? `${who} mentioned @room in #${entry.room}`
        : `${who} mentioned you in #${entry.room}`;
  return { title, body: entry.excerpt };
}

function notify(entry: InboxEntry, markRead: InboxValue["markRead"]) {
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  if (document.visibilityState !== "hidden") return;
  const { title, body } = notificationText(entry);
  try {
    const notification = new Notification(title, { body, tag: `inbox-${entry.id}` });
    notification.onclick = () => {
      window.focus();
      notification.close();
      void markRead({ ids: [entry.id] });
      navigate(messageLink(entry.room, entry.messageId));
    };
  } catch {
    // Some browsers (Android Chrome) only show notifications from a service worker: the badge and title remain.
  }
}

/** Shows entries as read in the inbox page's cached pages. */
function showRead(queryClient: QueryClient, ids: number[], all: boolean) {
  const wanted = new Set(ids);
  queryClient.setQueryData<InfiniteData<InboxPage>>(INBOX_KEY, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            entries: page.entries.map((e) => (!e.read && (all || wanted.has(e.id)) ? { ...e, read: true } : e)),
          })),
        }
      : data,
  );
}

/** While a room is on screen (and the tab visible), its mentions that arrive or were waiting are marked read. */
function useSeenInRoom(
  known: React.RefObject<Map<number, InboxEntry>>,
  version: number,
  markRead: InboxValue["markRead"],
  forget: (ids: number[], all: boolean) => void,
) {
  const { pathname } = useLocation();
  const room = /^\/rooms\/([^/]+)$/.exec(pathname)?.[1];
  const [visible, setVisible] = useState(() => document.visibilityState === "visible");
  useEffect(() => {
    const change = () => setVisible(document.visibilityState === "visible");
    document.addEventListener("visibilitychange", change);
    return () => document.removeEventListener("visibilitychange", change);
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` says the known entries changed
  useEffect(() => {
    if (!room || !visible) return;
    const ids = seenInRoom(known.current.values(), decodeURIComponent(room));
    if (ids.length === 0) return;
    forget(ids, false);
    markRead({ ids }).catch(() => {
      // Not marked (offline): they stay unread in the inbox, where they can be opened or marked later.
    });
  }, [room, visible, version, markRead, forget, known]);
}

export function InboxProvider({ userId, children }: { userId: string | null; children: React.ReactNode }) {
  const queryClient = useQueryClient();
  const [unread, setUnread] = useState(0);
  const [state, setState] = useState<InboxConnectionState>("closed");
  const client = useRef<InboxClient | null>(null);

  const markRead = useCallback(
    async (body: { ids: number[] } | { all: true }) => {
      const left = await markInboxRead(body);
      setUnread(left);
      client.current?.setUnread(left);
      showRead(queryClient, "ids" in body ? body.ids : [], "all" in body);
    },
    [queryClient],
  );
  const markReadRef = useRef(markRead);
  markReadRef.current = markRead;

  // Unread entries this tab knows of (the socket's newest, and live ones), to mark read where they are seen.
  const known = useRef(new Map<number, InboxEntry>());
  const [knownVersion, setKnownVersion] = useState(0);
  const remember = useCallback((entries: InboxEntry[], reset = false) => {
    if (reset) known.current.clear();
    for (const entry of entries) if (!entry.read) known.current.set(entry.id, entry);
    setKnownVersion((v) => v + 1);
  }, []);
  const forget = useCallback((ids: number[], all: boolean) => {
    if (all) known.current.clear();
    for (const id of ids) known.current.delete(id);
  }, []);
  useSeenInRoom(known, knownVersion, markRead, forget);

  useEffect(() => {
    if (!userId) {
      setUnread(0);
      return;
    }
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/inbox/ws`;
    const inbox = createInboxClient({
      url: () => url,
      on: {
        state: setState,
        unread: setUnread,
        hello: (count, latest) => {
          setUnread(count);
          remember(latest, true);
          // Entries may have arrived while disconnected: the inbox page shows the server's list again.
          void queryClient.invalidateQueries({ queryKey: INBOX_KEY });
        },
        entry: (entry, count) => {
          setUnread(count);
          queryClient.setQueryData<InfiniteData<InboxPage>>(INBOX_KEY, (data) => {
            const first = data?.pages[0];
            if (!data || !first || first.entries.some((e) => e.id === entry.id)) return data;
            return { ...data, pages: [{ ...first, entries: [entry, ...first.entries] }, ...data.pages.slice(1)] };
          });
          // The room's unread and mention counts changed (unless it is on screen: its read cursor says so).
          const onScreen =
            window.location.pathname === `/rooms/${entry.room}` && document.visibilityState === "visible";
          if (!onScreen) void queryClient.invalidateQueries({ queryKey: roomsQuery.queryKey });
          notify(entry, markReadRef.current);
          remember([entry]);
        },
        read: (ids, all) => {
          forget(ids, all);
          showRead(queryClient, ids, all);
        },
        sessionEnded: () => {
          void (async () => {
            await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
            if (queryClient.getQueryData(SESSION_KEY)) inbox.resume();
          })();
        },
      },
    });
    client.current = inbox;
    const offline = () => inbox.drop();
    const online = () => inbox.reconnectNow();
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    return () => {
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      inbox.close();
      client.current = null;
    };
  }, [userId, queryClient, remember, forget]);

  const value = useMemo(() => ({ unread: userId ? unread : 0, state, markRead }), [userId, unread, state, markRead]);
  return <InboxContext.Provider value={value}>{children}</InboxContext.Provider>;
}
