// Attachments are a grant tied to the room message: members open them while the message lives and they are
// members; a removed member, a deleted message, someone else's private room, a deleted file or an id the
// message does not carry all get the same 404. And a message may carry only its sender's stored files.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesOf, PNG_1X1, uploadOk } from "../../../test/files-helpers";
import { type Client, call, registerUser } from "../../../test/helpers";
import { connectRoom, type Frame } from "../../../test/room-socket";
import { lookUpAttachments } from "./message-attachments";

type User = Awaited<ReturnType<typeof registerUser>>;
let alice: User;
let bob: User;
let carol: User;
let png: { id: string; contentType: string; size: number };
let notes: { id: string; contentType: string; size: number };

const path = (room: string, messageId: number | string, fileId: string) =>
  `/api/rooms/${room}/messages/${messageId}/attachments/${fileId}`;

/** Sends a message with attachments as `client` and returns the answer: its id, or the error frame. */
async function send(client: Client, room: string, attachments: string[]): Promise<{ id?: number; error?: Frame }> {
  const socket = await connectRoom(client, room);
  const clientMessageId = `att-${crypto.randomUUID()}`;
  socket.send({ type: "message", text: "see attached", clientMessageId, attachments });
  const answer = await socket.next(
    (f) => (f.type === "ack" || f.type === "error") && f.clientMessageId === clientMessageId,
  );
  socket.ws.close();
  return answer.type === "ack" ? { id: answer.id as number } : { error: answer };
}

async function expect404(client: Client | null, target: string) {
  const res = client ? await client.fetch(target) : await call(target);
  expect(res.status, target).toBe(404);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  await res.arrayBuffer();
}

beforeAll(async () => {
  await registerUser("att-admin");
  alice = await registerUser("alice");
  bob = await registerUser("bob");
  carol = await registerUser("carol");
  png = await uploadOk(alice.client, PNG_1X1, { name: "pixel.png" });
  notes = await uploadOk(alice.client, bytesOf("meeting notes, version 2"), { name: "Résumé notes.txt" });
  const created = await alice.client.fetch("/api/rooms", {
    method: "POST",
    json: { name: "att-private", visibility: "private" },
  });
  expect(created.status).toBe(201);
  const added = await alice.client.fetch("/api/rooms/att-private/members", {
    method: "POST",
    json: { email: bob.email },
  });
  expect(added.status).toBe(201);
});

describe("opening an attachment", () => {
  it("serves a member the bytes: images inline, anything else as a download, private and nosniff", async () => {
    const { id } = await send(alice.client, "att-private", [png.id, notes.id]);
    expect(id).toBeGreaterThan(0);
    const image = await bob.client.fetch(path("att-private", id as number, png.id));
    expect(image.status).toBe(200);
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG_1X1);
    expect(image.headers.get("Content-Type")).toBe("image/png");
    expect(image.headers.get("Content-Disposition")).toMatch(/^inline; filename="pixel.png"; filename\*=UTF-8''/);
    expect(image.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(image.headers.get("Cache-Control")).toBe("private, max-age=300");

    const text = await bob.client.fetch(path("att-private", id as number, notes.id));
    expect(text.status).toBe(200);
    expect(await text.text()).toBe("meeting notes, version 2");
    expect(text.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(text.headers.get("Content-Disposition")).toMatch(/^attachment; .*filename\*=UTF-8''R%C3%A9sum%C3%A9/);
    expect(text.headers.get("Cache-Control")).toBe("private, max-age=300");
  });

  it("answers Range and HEAD requests like a download does", async () => {
    const { id } = await send(alice.client, "att-private", [notes.id]);
    const part = await alice.client.fetch(path("att-private", id as number, notes.id), {
      headers: { Range: "bytes=0-6" },
    });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe("meeting");
    const head = await alice.client.fetch(path("att-private", id as number, notes.id), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Length")).toBe(String(notes.size));
    expect(await head.text()).toBe("");
  });

  it("serves any signed-in user in a public room (the room's readers), nobody signed out", async () => {
    const { id } = await send(alice.client, "att-public", [png.id]);
    const res = await carol.client.fetch(path("att-public", id as number, png.id));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    expect((await call(path("att-public", id as number, png.id))).status).toBe(401);
  });

  it("gives someone else's private room the room's own 404", async () => {
    const { id } = await send(alice.client, "att-private", [png.id]);
    const res = await carol.client.fetch(path("att-private", id as number, png.id));
    expect(res.status).toBe(404);
    expect((await res.json<{ code: string }>()).code).toBe("room-not-found");
  });

  it("404s a file the message does not carry, an unknown file, an unknown message and an unknown room", async () => {
    const { id } = await send(alice.client, "att-private", [png.id]);
    const other = await send(alice.client, "att-private", [notes.id]);
    await expect404(alice.client, path("att-private", id as number, notes.id));
    await expect404(alice.client, path("att-private", other.id as number, png.id));
    await expect404(alice.client, path("att-private", id as number, "0".repeat(32)));
    await expect404(alice.client, path("att-private", 999_999, png.id));
    await expect404(alice.client, path("att-nowhere", id as number, png.id));
  });

  it("ends a removed member's access at once", async () => {
    await registerUser("dave").then(async (dave) => {
      await alice.client.fetch("/api/rooms/att-private/members", { method: "POST", json: { email: dave.email } });
      const { id } = await send(alice.client, "att-private", [png.id]);
      const before = await dave.client.fetch(path("att-private", id as number, png.id));
      expect(before.status).toBe(200);
      await before.arrayBuffer();
      const removed = await alice.client.fetch(`/api/rooms/att-private/members/${dave.user.id}`, { method: "DELETE" });
      expect(removed.status).toBe(204);
      await expect404(dave.client, path("att-private", id as number, png.id));
    });
  });

  it("ends everyone's access when the message is deleted", async () => {
    const { id } = await send(alice.client, "att-private", [png.id]);
    const ok = await bob.client.fetch(path("att-private", id as number, png.id));
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const socket = await connectRoom(alice.client, "att-private");
    socket.send({ type: "delete", messageId: id, opId: "del-1" });
    const done = await socket.next((f) => (f.type === "done" || f.type === "error") && f.opId === "del-1");
    socket.ws.close();
    expect(done.type).toBe("done");
    await expect404(bob.client, path("att-private", id as number, png.id));
    await expect404(alice.client, path("att-private", id as number, png.id));
  });

  it("404s once the file itself is deleted", async () => {
    const doomed = await uploadOk(alice.client, bytesOf("short-lived"), { name: "doomed.txt" });
    const { id } = await send(alice.client, "att-private", [doomed.id]);
    expect((await alice.client.fetch(`/api/files/${doomed.id}`, { method: "DELETE" })).status).toBe(204);
    await expect404(bob.client, path("att-private", id as number, doomed.id));
  });

  it("refuses malformed ids with 400", async () => {
    for (const bad of [
      path("att-private", 0, png.id),
      path("att-private", "x1", png.id),
      path("att-private", 1, "NOT"),
    ]) {
      const res = await alice.client.fetch(bad);
      expect(res.status, bad).toBe(400);
      await res.arrayBuffer();
    }
  });

  it("is in the OpenAPI document", async () => {
    const doc = await (await call("/api/openapi.json")).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toContain("/api/rooms/{room}/messages/{messageId}/attachments/{fileId}");
  });
});

describe("sending attachments", () => {
  it("refuses a file that is not the sender's: attachment-not-found, nothing sent", async () => {
    const { error } = await send(bob.client, "att-private", [png.id]);
    expect(error).toMatchObject({ type: "error", code: "attachment-not-found" });
  });
});

describe("lookUpAttachments", () => {
  it("returns the owner's servable files in the order asked, without repeats", async () => {
    expect(await lookUpAttachments(env.DB, alice.user.id, [notes.id, png.id, notes.id])).toEqual([
      { fileId: notes.id, name: "Résumé notes.txt", contentType: notes.contentType, size: notes.size },
      { fileId: png.id, name: "pixel.png", contentType: "image/png", size: PNG_1X1.byteLength },
    ]);
    expect(await lookUpAttachments(env.DB, alice.user.id, [])).toEqual([]);
  });

  it("is null when any file is someone else's, unknown, or not servable (uploading, failed, deleting)", async () => {
    expect(await lookUpAttachments(env.DB, bob.user.id, [png.id])).toBeNull();
    expect(await lookUpAttachments(env.DB, alice.user.id, [png.id, "f".repeat(32)])).toBeNull();
    for (const status of ["uploading", "failed", "deleting"]) {
      const file = await uploadOk(alice.client, bytesOf(`a ${status} file`), { name: `${status}.txt` });
      await env.DB.prepare("UPDATE files SET status = ? WHERE id = ?").bind(status, file.id).run();
      expect(await lookUpAttachments(env.DB, alice.user.id, [png.id, file.id]), status).toBeNull();
    }
  });
});
