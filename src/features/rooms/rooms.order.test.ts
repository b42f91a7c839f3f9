// Per-sender order under the rate limit: 60 messages sent at once. The room applies frames strictly in the order
// they arrive, and once it refuses one it refuses the rest until the time it named, so what it accepts of a burst
// is always its beginning. A client that re-sends from its first refused message (as the UI's outbox does) is
// therefore seen by everyone in the order it wrote.
import { beforeAll, describe, expect, it } from "vitest";
import { type Client, registerUser } from "../../../test/helpers";
import { connectRoom, isMessage } from "../../../test/room-socket";
import type { ChatMessage, HistoryPage } from "./rooms.schema";

const N = 60;
let alice: { client: Client };
let bob: { client: Client };

beforeAll(async () => {
  alice = await registerUser("alice");
  bob = await registerUser("bob");
});

describe("per-sender order", () => {
  it(`${N} messages sent at once arrive everywhere in the order they were written`, async () => {
    const a = await connectRoom(alice.client, "in-order");
    const b = await connectRoom(bob.client, "in-order");
    const texts = Array.from({ length: N }, (_, i) => `n${i}`);
    const acked = new Set<string>();
    let refusals = 0;
    let rounds = 0;
    let from = 0;
    while (acked.size < N) {
      rounds++;
      const mark = a.frames.length;
      const batch = texts.filter((t) => !acked.has(t));
      for (const text of batch) a.send({ type: "message", text, clientMessageId: text });
      // Every frame of the batch is answered: an ack, or a refusal.
      const last = batch.at(-1) as string;
      await a.next((f) => (f.type === "ack" || f.type === "error") && f.clientMessageId === last, mark);
      const answers = a.frames.slice(mark).filter((f) => f.type === "ack" || f.type === "error");
      const accepted = answers.filter((f) => f.type === "ack").map((f) => f.clientMessageId as string);
      // What was accepted is the batch's beginning.
      expect(accepted).toEqual(batch.slice(0, accepted.length));
      for (const text of accepted) acked.add(text);
      const refused = answers.filter((f) => f.type === "error");
      refusals += refused.length;
      for (const f of refused) expect(f.code).toBe("rate-limited");
      const wait = Math.max(0, ...refused.map((f) => Number(f.retryAfterMs ?? 0)));
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      from = acked.size;
      if (rounds > 40) throw new Error(`only ${from} acknowledged`);
    }
    await b.next(isMessage(`n${N - 1}`));
    const seen = b.messages().map((m) => m.text);
    const page: HistoryPage = await (await bob.client.fetch("/api/rooms/in-order/history?limit=100")).json();
    console.log(`per-sender order: ${N} messages in ${rounds} rounds, ${refusals} refusals, order kept everywhere`);
    expect(seen).toEqual(texts);
    expect(page.messages.map((m: ChatMessage) => m.text)).toEqual(texts);
    expect(refusals).toBeGreaterThan(0);
    a.ws.close();
    b.ws.close();
  }, 60_000);
});
