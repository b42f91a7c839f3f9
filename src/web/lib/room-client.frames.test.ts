// What the room client passes on to the page: a frame that the protocol's schema refuses (a preview whose URL
// does not parse, say) never reaches a component; the first one is reported once, and the client keeps going.
import { describe, expect, it } from "vitest";
import type { ChatMessage, RoomLinkPreview } from "../../features/rooms/rooms.schema";
import { createRoomClient, type SocketLike } from "./room-client";
import { message } from "./room-client.testkit";

function client() {
  let socket: SocketLike | null = null;
  const warnings: string[] = [];
  const previews: { messageId: number; url: string; preview: RoomLinkPreview | null }[] = [];
  const messages: ChatMessage[] = [];
  const room = createRoomClient({
    url: () => "wss://outpost.test/api/rooms/general/ws",
    connect: () => {
      socket = {
        readyState: 1,
        send: () => {},
        close: () => {},
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
      };
      return socket;
    },
    timers: { set: () => 0, clear: () => {} },
    warn: (message) => warnings.push(message),
    on: {
      preview: (messageId, url, preview) => previews.push({ messageId, url, preview }),
      message: (message) => messages.push(message),
    },
  });
  const push = (frame: unknown) => socket?.onmessage?.({ data: JSON.stringify(frame) });
  return { room, push, warnings, previews, messages, socket: () => socket };
}

describe("the room client and frames that do not hold", () => {
  it("drops previews with URLs that do not parse before any component sees them, says so once, and goes on", async () => {
    const c = client();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(c.socket()).not.toBeNull();
    c.push({
      type: "welcome",
      you: { userId: "me", displayName: "Me" },
      room: "general",
      roster: [],
      history: [],
      lastId: 0,
    });
    c.push({ type: "message", message: message(1, "look http://[ here") });
    const card = { url: "https://example.com/", title: "T", description: null, image: null, siteName: null };
    for (const bad of [
      { type: "preview", messageId: 1, url: "http://[", preview: null },
      { type: "preview", messageId: 1, url: "http://a%zz.example/x", preview: null },
      { type: "preview", messageId: 1, url: "javascript:alert(1)", preview: null },
      { type: "preview", messageId: 1, url: "https://example.com/", preview: { ...card, image: "http://[" } },
    ]) {
      c.push(bad);
    }
    c.push({ type: "preview", messageId: 1, url: "https://example.com/", preview: card });
    c.push({ type: "message", message: message(2, "after") });
    expect(c.previews).toEqual([{ messageId: 1, url: "https://example.com/", preview: card }]);
    expect(c.messages.map((m) => m.text)).toEqual(["look http://[ here", "after"]);
    expect(c.warnings).toHaveLength(1);
    expect(c.warnings[0]).toMatch(/^room: skipped a frame not in the protocol \(type preview: url /);
    expect(c.room.state).toBe("open");
    c.room.close();
  });
});
