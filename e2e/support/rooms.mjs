// The room fixture: rooms created through the API, messages sent over a room's WebSocket from Node (a bearer
// session), and the room's history read back. A room allows one connection a burst of 30 messages (then 5 a
// second): a long list is sent 25 at a time, each batch on a socket of its own once the one before is
// acknowledged, so it goes out in order and at once rather than at the paced rate.

/** Creates a room as `user`; `visibility` "public" (default) or "private" (then `user` is its owner). */
export async function createRoom(user, name, { visibility = "public" } = {}) {
  await user.api("POST", "/api/rooms", { name, visibility }, { expect: [201] });
  return name;
}

const BATCH = 25;

/**
 * Sends `texts` to `room` as `user`, in order, and resolves when the room has acknowledged every one. Answers the
 * ids the room gave them, in the same order.
 */
export async function postMessages(user, room, texts, { timeoutMs = 60_000 } = {}) {
  const ids = [];
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < texts.length; i += BATCH) {
    ids.push(...(await sendBatch(user, room, texts.slice(i, i + BATCH), deadline)));
  }
  return ids;
}

/** One socket: `texts` sent as soon as the room welcomes it, closed once each is acknowledged. */
async function sendBatch(user, room, texts, deadline) {
  const token = await user.token();
  const ws = new WebSocket(`${user.base.replace(/^http/, "ws")}/api/rooms/${room}/ws`, {
    headers: { Authorization: `Bearer ${token}`, Origin: user.base },
  });
  const prefix = `e2e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const ids = new Map();
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${ids.size} of ${texts.length} acknowledged in ${room}`)),
        Math.max(1_000, deadline - Date.now()),
      );
      ws.onerror = () => reject(new Error(`the socket of ${room} failed`));
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === "welcome") {
          texts.forEach((text, i) => {
            ws.send(JSON.stringify({ type: "message", text, clientMessageId: `${prefix}-${i}` }));
          });
        }
        if (frame.type === "error") reject(new Error(`${room} answered ${event.data}`));
        if (frame.type !== "ack") return;
        ids.set(frame.clientMessageId, frame.id);
        if (ids.size === texts.length) {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  } finally {
    ws.close();
  }
  return texts.map((_, i) => ids.get(`${prefix}-${i}`));
}

/** The texts of `room`'s messages, oldest first, as its history over HTTP has them (every page). */
export async function roomHistory(user, room) {
  const messages = [];
  let before;
  for (;;) {
    const query = before === undefined ? "limit=100" : `limit=100&before=${before}`;
    const page = await user.api("GET", `/api/rooms/${room}/history?${query}`);
    messages.unshift(...page.messages);
    if (page.nextBefore === null || page.nextBefore === undefined || page.messages.length === 0) break;
    before = page.nextBefore;
  }
  return messages;
}
