// The room fixture: rooms created through the API, and messages sent over a room's WebSocket from Node (a bearer
// session), paced to the room's per-connection allowance (a burst of 30, then 5 a second).

/** Creates a room as `user`; `visibility` "public" (default) or "private" (then `user` is its owner). */
export async function createRoom(user, name, { visibility = "public" } = {}) {
  await user.api("POST", "/api/rooms", { name, visibility }, { expect: [201] });
  return name;
}

/** Sends `texts` to `room` as `user`, in order, and resolves when the room has acknowledged every one. */
export async function postMessages(user, room, texts, { timeoutMs = 60_000 } = {}) {
  if (texts.length === 0) return;
  const token = await user.token();
  const ws = new WebSocket(`${user.base.replace(/^http/, "ws")}/api/rooms/${room}/ws`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const prefix = `e2e${Date.now().toString(36)}`;
  // 25 first (within the burst of 30), then 30 at a time after a pause long enough to refill it.
  const chunks = [texts.slice(0, 25)];
  for (let i = 25; i < texts.length; i += 30) chunks.push(texts.slice(i, i + 30));
  let acked = 0;
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`only ${acked} of ${texts.length} acknowledged in ${room}`)),
        timeoutMs,
      );
      let sent = 0;
      const sendChunk = () => {
        for (const text of chunks.shift() ?? []) {
          sent++;
          ws.send(JSON.stringify({ type: "message", text, clientMessageId: `${prefix}-${sent}` }));
        }
      };
      ws.onerror = () => reject(new Error(`the socket of ${room} failed`));
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === "welcome") sendChunk();
        if (frame.type === "error") reject(new Error(`${room} answered ${event.data}`));
        if (frame.type !== "ack") return;
        acked++;
        if (acked === texts.length) {
          clearTimeout(timer);
          resolve();
        } else if (acked === sent) setTimeout(sendChunk, 6_000);
      };
    });
  } finally {
    ws.close();
  }
}
