// Hostile links: one person posts text with links that do not parse (`look http://[ here`,
// `http://a%zz.example/x`) while another watches the room. The watcher's page stays whole (heading, composer, no
// "could not be shown" or "stopped working"), is sent no preview whose URL does not parse, and keeps receiving
// messages. Screenshots of the watcher's page at 1280 and 390 px.
import assert from "node:assert/strict";
import { DESKTOP, defineJourney, PHONE } from "../support/journey.mjs";
import { roomUi } from "../support/room-ui.mjs";
import { createRoom } from "../support/rooms.mjs";

const j = defineJourney("hostile-links");
const HOSTILE = ["look http://[ here", "http://a%zz.example/x"];
/** A link that parses and gets a clean "no preview" (a private address): its preview marks that previews flowed. */
const FINE = "and this one is fine: http://169.254.169.254/latest";
const AFTER = "Still there, Bob?";

let ada;
let bob;
let room;
/** Every preview frame Bob's page received, as sent. */
const previewFrames = [];

/** Whether `url` is what a page may pass to `new URL` safely: an http(s) URL that parses. */
function parsesAsHttp(url) {
  try {
    return ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** Asserts that `page` shows the room whole: its heading and composer, and no error fallback anywhere. */
async function assertWhole(page, what) {
  assert(await roomUi.heading(page).isVisible(), `${what}: the room's heading is gone`);
  assert(await roomUi.composer(page).isVisible(), `${what}: the composer is gone`);
  assert.equal(await page.getByText("This page stopped working").count(), 0, `${what}: the page fell over`);
  assert.equal(await page.locator(".boundary").count(), 0, `${what}: a part of the page could not be shown`);
}

j.test("two people in a room; the watcher's socket frames are recorded", async () => {
  ada = await j.signUp("Ada");
  bob = await j.signUp("Bob");
  room = await createRoom(ada, j.unique("links"));
  bob.page.on("websocket", (socket) => {
    socket.on("framereceived", ({ payload }) => {
      try {
        const frame = JSON.parse(String(payload));
        if (frame.type === "preview") previewFrames.push(frame);
      } catch {
        // not JSON: nothing to record
      }
    });
  });
  for (const { page } of [ada, bob]) await roomUi.open(page, j.base, room);
});

j.test("links that do not parse reach the watcher as text, with no preview, and break nothing", async () => {
  for (const text of HOSTILE) await roomUi.send(ada.page, text);
  await roomUi.send(ada.page, FINE);
  for (const text of HOSTILE) await roomUi.message(bob.page, text).waitFor({ timeout: 10_000 });
  // The fine link's "no preview" (inside its message's body) comes after the hostile messages' previews would have.
  await bob.page
    .locator("[data-testid=messages] article.message:not(.pending)")
    .filter({ hasText: FINE })
    .locator("[data-testid=no-preview]")
    .filter({ hasText: "No preview for 169.254.169.254" })
    .waitFor({ timeout: 15_000 });
  for (const text of HOSTILE) {
    const row = roomUi.message(bob.page, text);
    assert.equal(await row.locator(".link-preview").count(), 0, `a preview shown for "${text}"`);
    // Shown as written; the renderer makes no link of what does not parse.
    assert.equal(await row.locator("a").count(), 0, `"${text}" became a link`);
  }
  const unparseable = previewFrames.filter((frame) => !parsesAsHttp(frame.url));
  assert.deepEqual(unparseable, [], "the server sent previews whose URL does not parse");
  assert.deepEqual(
    previewFrames.map((frame) => frame.url),
    ["http://169.254.169.254/latest"],
    "previews other than the fine link's",
  );
  await assertWhole(bob.page, "Bob's page");
  await assertWhole(ada.page, "Ada's page");
  await roomUi.waitConnected(bob.page, 5_000);
});

j.test("the watcher keeps receiving messages, and the page looks right at 1280 and 390 px", async () => {
  await roomUi.send(ada.page, AFTER);
  await roomUi.message(bob.page, AFTER).waitFor({ timeout: 10_000 });
  await assertWhole(bob.page, "Bob's page after another message");
  await j.checkPage(bob.page, "a room after hostile links", { shot: "room" });
  for (const [name, size] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ]) {
    await bob.page.setViewportSize(size);
    await roomUi.message(bob.page, AFTER).waitFor({ timeout: 5_000 });
    await assertWhole(bob.page, `Bob's page at ${size.width} px`);
    await bob.page.screenshot({ path: `/tmp/hostile-${name}.png` });
  }
  await bob.page.setViewportSize(DESKTOP);
});
