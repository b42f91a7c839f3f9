// A message row's link previews render from whatever the room sent, and a URL that does not parse (or is not
// http(s)) renders nothing rather than throwing: one hostile frame must not take the row, or the page, down.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ChatMessage, RoomLinkPreview } from "../../../features/rooms/rooms.schema";
import { chatMessage } from "./chat-message.fixture";
import { type Row, RowView } from "./message-row";
import type { MessageCommands } from "./message-view";

const message: ChatMessage = chatMessage(7, { userId: "ada", displayName: "Ada", text: "look http://[ here" });
const commands: MessageCommands = {
  react: () => {},
  edit: () => true,
  remove: () => {},
  openThread: () => {},
  canDelete: () => false,
  setEditing: () => {},
};
const row: Row = { kind: "message", key: "m7", message, first: true, day: false, unreadStart: false };
const card = (url: string): RoomLinkPreview => ({
  url,
  title: "A title",
  description: null,
  image: null,
  siteName: null,
});

function render(previews: { url: string; preview: RoomLinkPreview | null }[]) {
  return renderToStaticMarkup(
    createElement(RowView, {
      row,
      context: {
        now: new Date("2026-01-01T00:01:00.000Z"),
        me: null,
        highlightId: null,
        focusId: null,
        onFocused: () => {},
        previews: { 7: previews },
        onRetry: () => {},
        onDiscard: () => {},
        room: "general",
        commands,
        editingId: null,
      },
    }),
  );
}

describe("a message row's link previews", () => {
  it("render nothing for URLs that do not parse or are not http(s), and the rest as usual", () => {
    const html = render([
      { url: "http://[", preview: null },
      { url: "http://a%zz.example/x", preview: card("http://a%zz.example/x") },
      { url: "javascript:alert(1)", preview: card("javascript:alert(1)") },
      { url: "https://example.com/a", preview: card("https://example.com/a") },
      { url: "https://dead.example.com/", preview: null },
    ]);
    expect(html).not.toContain("could not be shown");
    expect(html).not.toContain("javascript:");
    expect(html).not.toContain("a%zz");
    expect(html.match(/data-testid="link-preview"/g)).toHaveLength(1);
    expect(html).toContain('href="https://example.com/a"');
    expect(html).toContain("No preview for dead.example.com");
  });
});
