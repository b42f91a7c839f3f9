// A private room's members: the list (the owner can remove anyone else), adding a member by email, and leaving.
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";
import type { RoomMember } from "../../../features/rooms/rooms.schema";
import { ApiError, api, errorMessage, ok } from "../../api";
import type { Result } from "../../components/result-message";
import { useSession } from "../../lib/session";

/** A private room's member list (refetched when the room says its members changed). */
export const membersQuery = (room: string) =>
  queryOptions({
    queryKey: ["room", room, "members"],
    queryFn: () => ok(api.GET("/api/rooms/{room}/members", { params: { path: { room } } })),
  });

/** The sentence for a refusal from the members API, by its problem code; the server's own words otherwise. */
function memberError(e: unknown, email?: string): string {
  const code = e instanceof ApiError ? e.code : undefined;
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
      return errorMessage(e);
  }
}

export function MembersPanel({ room, leave }: { room: string; leave: (userId: string) => Promise<void> }) {
  const { user } = useSession();
  const queryClient = useQueryClient();
  const query = useQuery(membersQuery(room));
  const members = query.data?.members ?? [];
  const [result, setResult] = useState<Result | null>(null);
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
  const me = members.find((m) => m.userId === user?.id);
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
    await queryClient
      .fetchQuery({ ...membersQuery(room), staleTime: 0 })
      .catch((e: unknown) => setResult({ ok: false, text: memberError(e) }));
  };

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const email = String(new FormData(form).get("email") ?? "").trim();
    if (!email) return;
    void run(
      "add",
      async () => {
        const answer = await api.POST("/api/rooms/{room}/members", { params: { path: { room } }, body: { email } });
        const member = await ok(Promise.resolve(answer));
        form.reset();
        await refresh();
        return answer.response.status === 200
          ? `${member.displayName} is already a member.`
          : `Added ${member.displayName}.`;
      },
      email,
    );
  };

  const remove = (member: RoomMember) =>
    void run(`remove:${member.userId}`, async () => {
      await ok(api.DELETE("/api/rooms/{room}/members/{userId}", { params: { path: { room, userId: member.userId } } }));
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
      {query.isPending && <p aria-busy="true">Loading members…</p>}
      {query.isError && <p className="error">{memberError(query.error)}</p>}
      <ul className="member-list" data-testid="members">
        {members.map((m) => (
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
