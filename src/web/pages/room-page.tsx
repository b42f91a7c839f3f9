// A live room: messages, presence, typing, scroll back through history, and a visible connection state.
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import type { ChatMessage, HistoryPage, Member, RoomLinkPreview } from "../../features/rooms/rooms.schema";
import { api } from "../lib/api";
import { markRead } from "../lib/read-marks";
import { type ConnectionState, createRoomClient } from "../lib/room-client";

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Connection lost — reconnecting",
  closed: "Disconnected",
};

export function RoomPage({ room }: { room: string }) {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [previews, setPreviews] = useState<Record<number, { url: string; preview: RoomLinkPreview | null }[]>>({});
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
    const url = () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/rooms/${room}/ws`;
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
  }, [room, merge]);

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

  const send = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = event.currentTarget.elements.namedItem("text") as HTMLInputElement;
    const text = input.value.trim();
    if (!text) return;
    if (text.length > 4_000) {
      setNotice("Messages can be at most 4 000 characters.");
      return;
    }
    client.current?.send(text);
    setNotice(null);
    input.value = "";
  };

  return (
    <section aria-labelledby="room-heading" className="room">
      <header className="row spread">
        <h1 id="room-heading">#{room}</h1>
        <p className={`status ${state}`} role="status" data-testid="connection-state">
          {state === "reconnecting" && !navigator.onLine
            ? "Connection lost — offline; reconnects when the network is back"
            : STATE_TEXT[state]}
          {state === "reconnecting" && navigator.onLine && retryIn !== undefined
            ? ` in ${Math.ceil(retryIn / 1000)} s`
            : ""}
        </p>
      </header>
      <p className="hint" data-testid="roster">
        Online: {roster.map((m) => m.displayName).join(", ") || "nobody yet"}
      </p>
      <div className="messages" aria-live="polite" data-testid="messages">
        {olderBefore ? (
          <button type="button" className="link" onClick={() => void loadOlder()}>
            Load earlier messages
          </button>
        ) : (
          messages.length > 0 && <p className="hint">This is the beginning of #{room}.</p>
        )}
        {messages.map((m) => (
          <p key={m.id} className="message">
            <strong>{m.displayName}</strong>{" "}
            <time dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleTimeString()}</time>
            <br />
            {m.text}
            {previews[m.id]?.map(({ url, preview }) =>
              preview ? (
                <a
                  key={url}
                  className="link-preview"
                  href={url}
                  target="_blank"
                  rel="noopener noreferrer nofollow"
                  data-testid="link-preview"
                >
                  <strong>{preview.title ?? preview.siteName ?? url}</strong>
                  {preview.description && <span>{preview.description}</span>}
                  <span className="hint">{preview.siteName ?? new URL(url).hostname}</span>
                </a>
              ) : (
                <span key={url} className="hint link-preview none" data-testid="no-preview">
                  No preview for {new URL(url).hostname}
                </span>
              ),
            )}
          </p>
        ))}
      </div>
      <p className="hint" aria-live="polite">
        {typing ?? "\u00a0"}
      </p>
      <form onSubmit={send} className="row">
        <label className="grow">
          <span className="sr-only">Message</span>
          <input
            name="text"
            maxLength={4_000}
            autoComplete="off"
            onInput={() => client.current?.typing()}
            placeholder="Write a message"
          />
        </label>
        <button type="submit">Send</button>
      </form>
      {notice && (
        <p role="alert" className="error">
          {notice}
        </p>
      )}
    </section>
  );
}
