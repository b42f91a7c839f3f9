// A room's live state over its socket: messages (with earlier history on demand), link previews, who is online and
// typing, the connection state, and whether this user was removed; plus sending, typing and leaving.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatMessage, HistoryPage, Member, RoomMembers } from "../../../features/rooms/rooms.schema";
import { api, isNotFound } from "../../lib/api";
import { markRead } from "../../lib/read-marks";
import { type ConnectionState, createRoomClient } from "../../lib/room-client";
import { navigate } from "../../lib/router";
import type { Previews } from "./message-list";

export function useLiveRoom(room: string, isPrivate: boolean, reloadMembers: () => Promise<RoomMembers>) {
  const [removed, setRemoved] = useState(false);
  const leaving = useRef(false);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [previews, setPreviews] = useState<Previews>({});
  const [roster, setRoster] = useState<Member[]>([]);
  const [state, setState] = useState<ConnectionState>("connecting");
  const [retryIn, setRetryIn] = useState<number | undefined>();
  const [typing, setTyping] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [olderBefore, setOlderBefore] = useState<number | null | undefined>(undefined);
  const client = useRef<ReturnType<typeof createRoomClient> | null>(null);
  const me = useRef<string | null>(null);

  const merge = useCallback((incoming: ChatMessage[]) => {
    setMessages((current) => {
      const byId = new Map(current.map((m) => [m.id, m]));
      for (const m of incoming) byId.set(m.id, m);
      return [...byId.values()].sort((a, b) => a.id - b.id);
    });
  }, []);

  useEffect(() => {
    const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/rooms/${room}/ws`;
    let attempts = 0;
    const url = async () => {
      attempts++;
      // A private room's socket fails without a status once access is gone (removed while offline): before
      // each reconnect, ask over HTTP, which says 404, rather than retry forever. Public rooms cannot refuse.
      if (attempts > 1 && isPrivate) {
        try {
          await reloadMembers();
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
          me.current = you.userId;
          setRoster(members);
        },
        message: (m) => merge([m]),
        presence: setRoster,
        // Someone was added, left or was removed: the members panel shows the list as it is now.
        membership: () => {
          if (isPrivate) void reloadMembers().catch(() => {});
        },
        preview: (messageId, link, preview) =>
          setPreviews((current) => ({
            ...current,
            [messageId]: [...(current[messageId] ?? []).filter((p) => p.url !== link), { url: link, preview }],
          })),
        typing: (member) => {
          if (member.userId === me.current) return;
          setTyping(`${member.displayName} is typing…`);
          setTimeout(() => setTyping(null), 3_000);
        },
        refused: (_id, reason) => setNotice(reason),
        gap: () => setNotice("You missed a lot while away; scroll up to load earlier messages."),
        removed: () => {
          // Leaving closes this socket with the same code; the page is on its way to the rooms list then.
          if (!leaving.current) setRemoved(true);
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
    };
  }, [room, merge, isPrivate, reloadMembers]);

  // Everything shown here counts as read (for the unread counts on the rooms list).
  useEffect(() => {
    const newest = messages.at(-1)?.id;
    if (me.current && newest) markRead(me.current, room, newest);
  }, [messages, room]);

  useEffect(() => {
    if (olderBefore !== undefined || messages.length === 0) return;
    // Ids start at 1 in every room: a first message above 1 means there is older history to load.
    const first = messages[0]?.id ?? 1;
    setOlderBefore(first > 1 ? first : null);
  }, [messages, olderBefore]);

  const loadOlder = async () => {
    if (!olderBefore) return;
    const page = await api<HistoryPage>(`/api/rooms/${room}/history?before=${olderBefore}&limit=50`);
    merge(page.messages);
    setOlderBefore(page.nextBefore);
  };

  /** Sends a message; answers false (with a notice) when it cannot go. */
  const send = (text: string) => {
    if (text.length > 4_000) {
      setNotice("Messages can be at most 4 000 characters.");
      return false;
    }
    client.current?.send(text);
    setNotice(null);
    return true;
  };

  const typed = () => client.current?.typing();

  /** Leaves the room (a member, not the owner), then goes back to the list; a refusal is thrown to the caller. */
  const leave = async (userId: string) => {
    leaving.current = true;
    try {
      await api(`/api/rooms/${room}/members/${encodeURIComponent(userId)}`, { method: "DELETE" });
    } catch (e) {
      leaving.current = false;
      throw e;
    }
    navigate("/rooms");
  };

  return {
    messages,
    previews,
    roster,
    state,
    retryIn,
    typing,
    notice,
    removed,
    olderBefore,
    loadOlder,
    send,
    typed,
    leave,
  };
}
