// A test WebSocket into a room through the Worker's fetch: frames as they arrive, and a wait for the next match.
import type { ChatMessage, ServerFrame } from "../src/features/rooms/rooms.schema";
import type { Client } from "./helpers";

export type Frame = ServerFrame & Record<string, unknown>;

export interface Socket {
  ws: WebSocket;
  /** Frames as received, except that a `messages` batch appears as one `message` frame per message. */
  frames: Frame[];
  /** The type of every frame exactly as it arrived (a `messages` batch is one entry). */
  types: string[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first frame (from `from` on) that matches; rejects after 5 s with what did arrive. */
  next(match: (frame: Frame) => boolean, from?: number): Promise<Frame>;
  send(frame: unknown): void;
  /** The messages received so far (from `from` on), in arrival order. */
  messages(from?: number): ChatMessage[];
}

export function wrap(ws: WebSocket): Socket {
  ws.accept();
  const frames: Frame[] = [];
  const types: string[] = [];
  const listeners = new Set<() => void>();
  ws.addEventListener("message", (event) => {
    const frame = JSON.parse(String(event.data)) as Frame;
    types.push(frame.type);
    if (frame.type === "messages") {
      for (const message of frame.messages) frames.push({ type: "message", message } as Frame);
    } else frames.push(frame);
    for (const listener of listeners) listener();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (event) => resolve({ code: event.code, reason: event.reason })),
  );
  return {
    ws,
    frames,
    types,
    closed,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    messages: (from = 0) =>
      frames
        .slice(from)
        .filter((f) => f.type === "message")
        .map((f) => f.message as ChatMessage),
    next: (match, from = 0) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.slice(from).find(match);
          if (found) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching frame; got ${JSON.stringify(frames.slice(from)).slice(0, 400)}`));
        }, 5_000);
        listeners.add(check);
        check();
      }),
  };
}

export async function connectRoom(client: Client, room: string): Promise<Socket> {
  const res = await client.fetch(`/api/rooms/${room}/ws`, { headers: { Upgrade: "websocket" } });
  if (res.status !== 101 || !res.webSocket) throw new Error(`upgrade failed: ${res.status} ${await res.text()}`);
  const socket = wrap(res.webSocket);
  await socket.next((f) => f.type === "welcome");
  return socket;
}

export const isMessage = (text: string) => (f: Frame) =>
  f.type === "message" && (f.message as ChatMessage).text === text;
