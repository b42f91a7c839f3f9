// A message as the room shows it: a deleted one is a tombstone with nothing else; an edited one says so with the
// time; reactions show counts, mine pressed, and who; attachments are lazy thumbnails or file chips at the
// message's attachment URL; the actions offered depend on who may do what.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../features/rooms/rooms.schema";
import { chatMessage } from "./chat-message.fixture";
import { reactionTitle } from "./message-extras";
import { type MessageCommands, MessageView } from "./message-view";

const me = { userId: "me", displayName: "Me" };
const commands = (canDelete = false): MessageCommands => ({
  react: () => {},
  edit: () => true,
  remove: () => {},
  openThread: () => {},
  canDelete: () => canDelete,
  setEditing: () => {},
});
const html = (message: ChatMessage, { canDelete = false, editing = false } = {}) =>
  renderToStaticMarkup(
    createElement(MessageView, {
      room: "general",
      message,
      first: true,
      now: new Date("2026-01-01T00:05:00.000Z"),
      me,
      highlighted: false,
      focus: false,
      onFocused: () => {},
      previews: [{ url: "https://example.com/", preview: null }],
      commands: commands(canDelete),
      editing,
    }),
  );
const ada = { userId: "ada", displayName: "Ada" };

describe("MessageView", () => {
  it("shows a deleted message as a tombstone, without text, reactions, previews, attachments or actions", () => {
    const out = html(chatMessage(3, { text: "", deletedAt: "2026-01-01T00:02:00.000Z", replyCount: 0 }), {
      canDelete: true,
    });
    expect(out).toContain("This message was deleted");
    expect(out).not.toContain("message-actions");
    expect(out).not.toContain("No preview");
  });

  it("says (edited) with the time in its title", () => {
    const out = html(chatMessage(3, { text: "fixed", editedAt: "2026-01-01T00:03:00.000Z" }));
    expect(out).toMatch(/<span class="edited hint" title="Edited [^"]+" data-testid="edited">\(edited\)<\/span>/);
  });

  it("offers edit only on my messages, delete only when allowed, and reply in thread on the main timeline", () => {
    const others = html(chatMessage(3, ada));
    expect(others).toContain('data-testid="action-react"');
    expect(others).toContain('data-testid="action-reply"');
    expect(others).not.toContain('data-testid="action-edit"');
    expect(others).not.toContain('data-testid="action-delete"');
    const asModerator = html(chatMessage(3, ada), { canDelete: true });
    expect(asModerator).toContain('data-testid="action-delete"');
    const mine = html(chatMessage(3, me), { canDelete: true });
    expect(mine).toContain('data-testid="action-edit"');
    const reply = html(chatMessage(4, { ...ada, threadRootId: 3 }));
    expect(reply).not.toContain('data-testid="action-reply"');
  });

  it("shows reactions with their counts, mine pressed, and who reacted", () => {
    const out = html(
      chatMessage(3, {
        reactions: [
          { emoji: "👍", count: 12, users: [ada, { userId: "bob", displayName: "Bob" }], mine: true },
          { emoji: "🎉", count: 1, users: [ada], mine: false },
        ],
      }),
    );
    expect(out).toContain('aria-pressed="true" title="Ada, Bob and 10 others reacted with 👍"');
    expect(out).toContain('aria-pressed="false" title="Ada reacted with 🎉"');
    expect(reactionTitle({ emoji: "🎉", count: 2, users: [ada, me], mine: true })).toBe("Ada and Me reacted with 🎉");
  });

  it("shows images as lazy thumbnails opening full size, other files as chips, at the message's attachment URL", () => {
    const out = html(
      chatMessage(9, {
        attachments: [
          { fileId: "a".repeat(32), name: "cat.png", contentType: "image/png", size: 2048 },
          { fileId: "b".repeat(32), name: "notes.pdf", contentType: "application/pdf", size: 1_500_000 },
        ],
      }),
    );
    const url = (id: string) => `/api/rooms/general/messages/9/attachments/${id.repeat(32)}`;
    expect(out).toContain(`<img src="${url("a")}" alt="cat.png" loading="lazy"`);
    expect(out).toContain(`href="${url("a")}" target="_blank"`);
    expect(out).toContain(`href="${url("b")}"`);
    expect(out).toContain("notes.pdf");
    expect(out).not.toContain(`<img src="${url("b")}"`);
  });

  it("shows a thread root's reply count, last reply time and repliers", () => {
    const out = html(
      chatMessage(3, {
        replyCount: 2,
        lastReplyAt: "2026-01-01T00:04:00.000Z",
        lastReplyId: 8,
        repliers: [ada],
      }),
    );
    expect(out).toContain("2 replies");
    expect(out).toContain("last reply");
    expect(out).toContain("from Ada");
  });
});
