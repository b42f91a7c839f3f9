// A live room: messages, presence, typing, scroll back through history, and a visible connection state.
// Access is checked first (a private room answers 404 to non-members, and a socket that can never open would be
// retried forever); a private room also shows its members, who can add others by email, leave, or be removed.
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import type {
  ChatMessage,
  HistoryPage,
  Member,
  RoomLinkPreview,
  RoomMember,
  RoomMembers,
} from "../../features/rooms/rooms.schema";
import { ApiError, api } from "../lib/api";
import { markRead } from "../lib/read-marks";
import { type ConnectionState, createRoomClient } from "../lib/room-client";
import { navigate, onLinkClick } from "../lib/router";
import { useSession } from "../lib/session";

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  open: "Connected",
  reconnecting: "Connection lost — reconnecting",
  closed: "Disconnected",
};

type Access =
  | { kind: "checking" }
  | { kind: "denied" }
  | { kind: "failed"; message: string }
  | { kind: "granted"; info: RoomMembers };

const PRIVATE_TEXT = "This room is private. Ask a member to add you.";
const REMOVED_TEXT = "You were removed from this room.";

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const isNotFound = (e: unknown) => e instanceof ApiError && e.status === 404;

function BackToRooms() {
  return (
    <a href="/rooms" onClick={onLinkClick}>
      Back to rooms
    </a>
  );
}

export function RoomPage({ room }: { room: string }) {
  const [access, setAccess] = useState<Access>({ kind: "checking" });

  /** Fetches the member list (and so whether this user may be here); a refusal is thrown to the caller. */
  const reloadMembers = useCallback(async () => {
    const info = await api<RoomMembers>(`/api/rooms/${room}/members`);
    setAccess({ kind: "granted", info });
    return info;
  }, [room]);

  const check = useCallback(async () => {
    setAccess({ kind: "checking" });
    try {
      await reloadMembers();
    } catch (e) {
      setAccess(isNotFound(e) ? { kind: "denied" } : { kind: "failed", message: errorText(e) });
    }
  }, [reloadMembers]);

  useEffect(() => {
    void check();
  }, [check]);

  if (access.kind === "granted") return <RoomView room={room} info={access.info} reloadMembers={reloadMembers} />;
  return (
    <section aria-labelledby="room-heading" className="room">
      <h1 id="room-heading" className="wrap-anywhere">
        #{room}
      </h1>
      {access.kind === "checking" && <p aria-busy="true">Opening the room…</p>}
      {access.kind === "denied" && (
        <div className="card">
          <p role="alert" data-testid="room-private">
            {PRIVATE_TEXT}
          </p>
          <p>
            <BackToRooms />
          </p>
        </div>
      )}
      {access.kind === "failed" && (
        <div className="card">
          <p role="alert" className="error">
            {access.message}
          </p>
          <button type="button" onClick={() => void check()}>
            Try again
          </button>
        </div>
      )}
    </section>
  );
}

function RoomView({
  room,
  info,
  reloadMembers,
}: {
  room: string;
  info: RoomMembers;
  reloadMembers: () => Promise<RoomMembers>;
}) {
  const isPrivate = info.visibility === "private";
  const [removed, setRemoved] = useState(false);
  const leaving = useRef(false);
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
              Online: {roster.map((m) => m.displayName).join(", ") || "nobody yet"}
            </p>
          )}
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
          {!removed && (
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
          )}
          {notice && (
            <p role="alert" className="error">
              {notice}
            </p>
          )}
        </div>
        {isPrivate && !removed && <MembersPanel room={room} info={info} reloadMembers={reloadMembers} leave={leave} />}
      </div>
    </section>
  );
}

/** The sentence for a refusal from the members API, by its problem code; the server's own words otherwise. */
function memberError(e: unknown, email?: string): string {
  const code = e instanceof ApiError ? e.problem.code : undefined;
  switch (code) {
    case "user-not-found":
      return `No one has an Outpost account with the email ${email ?? "given"}. They need to register first.`;
    case "room-not-found":
      return "You are no longer a member of this room.";
    case "room-public":
      return "This room is public: everyone can join it, so it has no members to add.";
    case "owner-cannot-leave":
      return "The owner cannot leave the room.";
    case "member-not-found":
      return "That person is no longer a member of this room.";
    case "not-room-owner":
      return "Only the room's owner can remove members.";
    default:
      return errorText(e);
  }
}

function MembersPanel({
  room,
  info,
  reloadMembers,
  leave,
}: {
  room: string;
  info: RoomMembers;
  reloadMembers: () => Promise<RoomMembers>;
  leave: (userId: string) => Promise<void>;
}) {
  const { user } = useSession();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const leaveButton = useRef<HTMLButtonElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const toggledLeave = useRef(false);

  // The Leave button and its confirmation replace each other: move focus along, so the keyboard is not lost.
  useEffect(() => {
    if (!toggledLeave.current) return;
    (confirmLeave ? confirmButton : leaveButton).current?.focus();
  }, [confirmLeave]);
  const askLeave = (ask: boolean) => {
    toggledLeave.current = true;
    setConfirmLeave(ask);
  };
  const me = info.members.find((m) => m.userId === user?.id);
  const isOwner = me?.role === "owner";

  const run = async (key: string, action: () => Promise<string | null>, email?: string) => {
    setBusy(key);
    try {
      const text = await action();
      if (text) setResult({ ok: true, text });
    } catch (e) {
      setResult({ ok: false, text: memberError(e, email) });
    } finally {
      setBusy(null);
    }
  };

  /** Refreshes the list after a change; a failure here is reported but the change itself stands. */
  const refresh = async () => {
    await reloadMembers().catch((e: unknown) => setResult({ ok: false, text: memberError(e) }));
  };

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const email = String(new FormData(form).get("email") ?? "").trim();
    if (!email) return;
    void run(
      "add",
      async () => {
        const member = await api<RoomMember>(`/api/rooms/${room}/members`, {
          method: "POST",
          body: JSON.stringify({ email }),
        });
        form.reset();
        await refresh();
        return info.members.some((m) => m.userId === member.userId)
          ? `${member.displayName} is already a member.`
          : `Added ${member.displayName}.`;
      },
      email,
    );
  };

  const remove = (member: RoomMember) =>
    void run(`remove:${member.userId}`, async () => {
      await api(`/api/rooms/${room}/members/${encodeURIComponent(member.userId)}`, { method: "DELETE" });
      await refresh();
      // The button that had focus is gone with the member: keep the keyboard in the panel.
      heading.current?.focus();
      return `Removed ${member.displayName}.`;
    });

  return (
    <section className="card members" aria-labelledby="members-heading" data-testid="members-panel">
      <h2 id="members-heading" ref={heading} tabIndex={-1}>
        Members
      </h2>
      <ul className="member-list" data-testid="members">
        {info.members.map((m) => (
          <li key={m.userId} data-member={m.displayName} data-role={m.role}>
            <span className="member-name">
              {m.displayName}
              {m.userId === user?.id && <span className="hint"> (you)</span>}
            </span>
            {m.role === "owner" && <span className="badge">owner</span>}
            {isOwner && m.role !== "owner" && (
              <button
                type="button"
                className="quiet small"
                aria-label={`Remove ${m.displayName}`}
                disabled={busy !== null}
                onClick={() => remove(m)}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="stack" aria-label="Add a member">
        <label>
          Add member by email
          <input
            name="email"
            type="email"
            required
            maxLength={254}
            autoComplete="off"
            placeholder="name@example.com"
            aria-describedby="members-result"
          />
        </label>
        <button type="submit" disabled={busy !== null}>
          {busy === "add" ? "Adding…" : "Add member"}
        </button>
      </form>
      <p
        id="members-result"
        className={`wrap-anywhere ${result ? (result.ok ? "ok" : "error") : "hint"}`}
        role={result ? (result.ok ? "status" : "alert") : undefined}
        data-testid="members-result"
      >
        {result?.text ?? "Members see this room in their list; nobody else can find or open it."}
      </p>
      {isOwner && <p className="hint">You own this room, so you can remove members; the owner cannot leave.</p>}
      {me && !isOwner && !confirmLeave && (
        <button type="button" className="danger" ref={leaveButton} onClick={() => askLeave(true)}>
          Leave room
        </button>
      )}
      {me && !isOwner && confirmLeave && (
        <fieldset className="stack confirm">
          <legend>Leave #{room}? A member has to add you again to come back.</legend>
          <div className="row wrap">
            <button
              type="button"
              className="danger"
              ref={confirmButton}
              disabled={busy !== null}
              onClick={() =>
                void run("leave", async () => {
                  await leave(me.userId);
                  return null;
                })
              }
            >
              {busy === "leave" ? "Leaving…" : "Confirm leave"}
            </button>
            <button type="button" className="quiet" onClick={() => askLeave(false)}>
              Cancel
            </button>
          </div>
        </fieldset>
      )}
    </section>
  );
}
