// The room fixture: rooms created through the API, messages sent over a room's WebSocket from Node (a bearer
// session), and the room's history read back. A room allows each user a burst of 30 messages, then 5 a second,
// across all of that user's sockets: a long list is sent one message at a time, each once the one before is
// acknowledged, and a message the room refuses as too fast is sent again after the wait it names, so the list
// is stored in order (about 30 s for 180 messages).

/** Creates a room as `user`; `visibility` "public" (default) or "private" (then `user` is its owner). */
export async function createRoom(user, name, { visibility = "public" } = {}) {
  await user.api("POST", "/api/rooms", { name, visibility }, { expect: [201] });
  return name;
}

/**
 * Sends `texts` to `room` as `user`, in order, and resolves when the room has acknowledged every one. Answers the
 * ids the room gave them, in the same order.
 */
export async function postMessages(user, room, texts, { timeoutMs = 90_000 } = {}) {
  const token = await user.token();
  const ws = new WebSocket(`${user.base.replace(/^http/, "ws")}/api/rooms/${room}/ws`, {
    headers: { Authorization: `Bearer ${token}`, Origin: user.base },
  });
  const prefix = `e2e${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const ids = [];
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${ids.length} of ${texts.length} acknowledged in ${room}`)),
        timeoutMs,
      );
      const send = () => {
        const i = ids.length;
        ws.send(JSON.stringify({ type: "message", text: texts[i], clientMessageId: `${prefix}-${i}` }));
      };
      ws.onerror = () => reject(new Error(`the socket of ${room} failed`));
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === "welcome") {
          if (texts.length === 0) resolve();
          else send();
          return;
        }
        if (frame.type === "error" && frame.code === "rate-limited") {
          setTimeout(send, frame.retryAfterMs ?? 200);
          return;
        }
        if (frame.type === "error") reject(new Error(`${room} answered ${event.data}`));
        if (frame.type !== "ack" || frame.clientMessageId !== `${prefix}-${ids.length}`) return;
        ids.push(frame.id);
        if (ids.length === texts.length) {
          clearTimeout(timer);
          resolve();
        } else send();
      };
    });
  } finally {
    ws.close();
  }
  return ids;
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
