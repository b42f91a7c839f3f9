// The room client when the server ends its session (close 4401): it stops instead of retrying with dead
// credentials, keeps what the user wrote, and carries on only when told the browser still has a session.
import { describe, expect, it } from "vitest";
import { CLOSE_SESSION_ENDED } from "../../features/rooms/rooms.schema";
import { type ConnectionState, createRoomClient, type SocketLike } from "./room-client";

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: { type: string; text?: string }[] = [];
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.drop(code);
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
    this.onmessage?.({
      data: JSON.stringify({
        type: "welcome",
        you: { userId: "me", displayName: "Me" },
        room: "general",
        roster: [],
        history: [],
        lastId: 0,
      }),
    });
  }
  drop(code: number) {
    this.readyState = 3;
    this.onclose?.({ code, reason: "" });
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; id: number }[] = [];
  const states: ConnectionState[] = [];
  let ended = 0;
  let nextId = 0;
  const client = createRoomClient({
    url: () => "wss://outpost.test/api/rooms/general/ws",
    connect: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
    timers: {
      set: (fn) => {
        const id = nextId++;
        timers.push({ fn, id });
        return id;
      },
      clear: (id) => {
        const index = timers.findIndex((t) => t.id === id);
        if (index >= 0) timers.splice(index, 1);
      },
    },
    on: { state: (state) => states.push(state), sessionEnded: () => ended++ },
  });
  const runTimers = () => {
    for (const timer of timers.splice(0)) timer.fn();
  };
  return { client, sockets, states, runTimers, ended: () => ended };
}

describe("a room client whose session ended (4401)", () => {
  it("stops reconnecting, says so once, and keeps the unsent message", async () => {
    const h = harness();
    await flush();
    h.sockets[0]?.open();
    h.client.send("written as I was signed out");
    h.sockets[0]?.drop(CLOSE_SESSION_ENDED);
    expect(h.ended()).toBe(1);
    expect(h.client.state).toBe("closed");
    expect(h.states).not.toContain("reconnecting");
    // Neither a timer nor the browser's `online` event opens another socket.
    h.runTimers();
    h.client.reconnectNow();
    await flush();
    expect(h.sockets).toHaveLength(1);
    expect(h.client.pending()).toBe(1);
  });

  it("carries on after resume() (a new session in this browser), sending what was kept", async () => {
    const h = harness();
    await flush();
    h.sockets[0]?.open();
    h.client.send("kept across the new session");
    h.sockets[0]?.drop(CLOSE_SESSION_ENDED);
    h.client.resume();
    await flush();
    expect(h.sockets).toHaveLength(2);
    h.sockets[1]?.open();
    expect(h.client.state).toBe("open");
    expect(h.sockets[1]?.sent.filter((f) => f.type === "message").map((f) => f.text)).toEqual([
      "kept across the new session",
    ]);
  });

  it("does not come back after close(), even when resume() is called", async () => {
    const h = harness();
    await flush();
    h.sockets[0]?.open();
    h.client.close();
    h.client.resume();
    await flush();
    expect(h.sockets).toHaveLength(1);
    expect(h.ended()).toBe(0);
  });
});
