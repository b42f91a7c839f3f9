// A room's materialised view: the messages of one room's log as they are now, built by applying the server's
// `message` frames (a message as it is now: insert or replace by id) and `event` frames (an edit, delete or
// reaction change to a message already here). Applying the same frames again, or a resume that re-sends what was
// already applied, changes nothing, so a client that applies every frame it receives converges to the server's
// history. Pure: no DOM, no sockets (the server's convergence test uses it too).
import {
  type ChatMessage,
  type Member,
  REACTION_USERS_SHOWN,
  REPLIERS_SHOWN,
  type Reaction,
  type RoomEvent,
} from "../../features/rooms/rooms.schema";

function byId(a: ChatMessage, b: ChatMessage): number {
  return a.id - b.id;
}

/** The reactions after one reaction event: that emoji's exact count, its users and `mine` for this reader. */
function react(reactions: Reaction[], event: Extract<RoomEvent, { kind: "reaction" }>, me: string | null): Reaction[] {
  const isMe = me !== null && event.member.userId === me;
  const index = reactions.findIndex((reaction) => reaction.emoji === event.emoji);
  if (event.count <= 0) return index < 0 ? reactions : reactions.filter((_, i) => i !== index);
  const current: Reaction = reactions[index] ?? { emoji: event.emoji, count: 0, users: [], mine: false };
  const shown = current.users.some((user) => user.userId === event.member.userId);
  // Oldest first: a member already shown keeps its place; a new one goes last while there is room.
  const users = !event.added
    ? current.users.filter((user) => user.userId !== event.member.userId)
    : shown
      ? current.users
      : [...current.users, { ...event.member }].slice(0, REACTION_USERS_SHOWN);
  const next: Reaction = {
    emoji: event.emoji,
    count: event.count,
    users,
    mine: isMe ? event.added : current.mine,
  };
  return index < 0 ? [...reactions, next] : reactions.map((reaction, i) => (i === index ? next : reaction));
}

export class RoomLog {
  readonly messages = new Map<number, ChatMessage>();
  /** The newest log id seen (messages and events). */
  lastId = 0;

  constructor(private readonly me: string | null) {}

  /** A message as it is now (live, from history or from a resume): inserts or replaces it by id. */
  message(m: ChatMessage): void {
    const known = this.messages.has(m.id);
    this.messages.set(m.id, m);
    if (m.id > this.lastId) this.lastId = m.id;
    if (known || m.threadRootId === null) return;
    const root = this.messages.get(m.threadRootId);
    if (!root || (root.lastReplyId !== null && m.id <= root.lastReplyId)) return;
    const replier: Member = { userId: m.userId, displayName: m.displayName };
    this.messages.set(root.id, {
      ...root,
      replyCount: root.replyCount + 1,
      lastReplyAt: m.createdAt,
      lastReplyId: m.id,
      repliers: [replier, ...root.repliers.filter((r) => r.userId !== m.userId)].slice(0, REPLIERS_SHOWN),
    });
  }

  /** An edit, delete or reaction change; one for a message not in this log is ignored. */
  event(e: RoomEvent): void {
    if (e.id > this.lastId) this.lastId = e.id;
    const target = this.messages.get(e.messageId);
    if (!target) return;
    switch (e.kind) {
      case "edit":
        if (target.deletedAt !== null) return;
        this.messages.set(target.id, { ...target, text: e.text, editedAt: e.editedAt });
        return;
      case "delete":
        this.messages.set(target.id, {
          ...target,
          text: "",
          attachments: [],
          reactions: [],
          mentions: [],
          mentionsRoom: false,
          deletedAt: target.deletedAt ?? e.deletedAt,
        });
        return;
      case "reaction":
        if (target.deletedAt !== null) return;
        this.messages.set(target.id, { ...target, reactions: react(target.reactions, e, this.me) });
        return;
    }
  }

  /** The main timeline (no thread replies), oldest first. */
  timeline(): ChatMessage[] {
    return [...this.messages.values()].filter((m) => m.threadRootId === null).sort(byId);
  }

  /** A thread's replies, oldest first. */
  thread(rootId: number): ChatMessage[] {
    return [...this.messages.values()].filter((m) => m.threadRootId === rootId).sort(byId);
  }
}
