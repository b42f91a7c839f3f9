// Keyboard only: sign in, open a room, send a message and reach every main page with Tab and Enter alone; jump to a
// room with the quick switcher (Ctrl+K). At every stop focus must be visible; after each page change it must be
// somewhere sensible (not lost mid-page).
import assert from "node:assert/strict";
import { defineJourney } from "../support/journey.mjs";
import { linkTo } from "../support/keyboard.mjs";
import { createRoom } from "../support/rooms.mjs";
import { roomUi, shellUi } from "../support/ui.mjs";
import { ADMIN } from "../support/users.mjs";

const j = defineJourney("keyboard");
let page;
let keys;
let room;

/** Tab to the link to `path`, Enter, and check where the page and focus end up. */
async function follow(path, what) {
  await keys.tabTo(linkTo(path));
  await keys.press("Enter");
  await page.waitForURL((url) => url.pathname === path, { timeout: 10_000 });
  await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 10_000 });
  await keys.expectSensibleFocus(`following the link to ${what}`);
}

j.test("sign in with the keyboard alone", async () => {
  // The admin sees every main page; the account and a room exist beforehand (through the API).
  const admin = await j.admin();
  room = await createRoom(admin, j.unique("keyboard"));
  await admin.context.close();

  const context = await j.newContext({ label: "keyboard user" });
  page = await context.newPage();
  keys = j.keyboard(page);
  await page.goto(`${j.base}/`);
  await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the home page (keyboard)");
  await follow("/signin", "sign in");
  await j.checkPage(page, "the sign-in page (keyboard)");
  await keys.tabTo(page.getByLabel("Email", { exact: true }));
  await keys.type(ADMIN.email);
  await keys.tabTo(page.getByLabel("Password", { exact: true }));
  await keys.type(ADMIN.password);
  await j.screenshot(page, "signin");
  await keys.press("Enter");
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"), { timeout: 15_000 });
  await page.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 10_000 });
  await keys.expectSensibleFocus("signing in");
  await j.checkPage(page, "the home page, signed in (keyboard)", { shot: "home" });
});

j.test("open a room and send a message with the keyboard alone", async () => {
  if (new URL(page.url()).pathname !== "/rooms") await follow("/rooms", "the rooms list");
  await j.checkPage(page, "the rooms list (keyboard)");
  await follow(`/rooms/${room}`, `#${room}`);
  await roomUi.waitConnected(page);
  await keys.tabTo(roomUi.composer(page));
  await keys.type("Sent without a mouse");
  await keys.press("Enter");
  await roomUi.message(page, "Sent without a mouse").waitFor({ timeout: 10_000 });
  // Ready for the next message: focus stays in the message box.
  const stays = await roomUi.composer(page).evaluate((el) => el === document.activeElement);
  if (!stays) j.report("focus: after sending a message, focus left the message box");
  assert.equal(await roomUi.composer(page).inputValue(), "", "the message box was not emptied after sending");
  await j.screenshot(page, "room");
  await j.checkPage(page, "a room (keyboard)");
});

for (const [path, what] of [
  ["/files", "files"],
  ["/assistant", "the assistant"],
  ["/settings", "settings"],
  ["/admin", "admin"],
  ["/rooms", "the rooms list"],
]) {
  j.test(`reach ${what} with the keyboard alone`, async () => {
    await follow(path, what);
    await j.checkPage(page, `${what} (keyboard)`, { shot: path.slice(1) });
  });
}

j.test("Ctrl+K jumps to a room by part of its name, and Esc closes the switcher", async () => {
  // From the rooms list: the switcher opens with focus in its box.
  await page.keyboard.press("Control+K");
  const switcher = shellUi.switcher(page);
  await page.locator("dialog.switcher[open]").waitFor({ timeout: 5_000 });
  const box = shellUi.switcherBox(page);
  assert(await box.evaluate((el) => el === document.activeElement), "focus is not in the switcher's box");
  // The end of the room's name (unique to this run on a shared server).
  const part = room.slice(-6);
  await keys.type(part);
  const first = shellUi.switcherOptions(page).first();
  await first.filter({ hasText: `#${room}` }).waitFor({ timeout: 5_000 });
  assert.equal(await first.getAttribute("aria-selected"), "true", "the first match is not the one Enter takes");
  await j.checkPage(page, "the quick switcher with a match", { shot: "switcher" });
  await keys.press("Enter");
  await page.waitForURL(`${j.base}/rooms/${room}`, { timeout: 10_000 });
  await switcher.waitFor({ state: "detached", timeout: 5_000 });
  await roomUi.waitConnected(page);
  await keys.expectSensibleFocus("jumping to a room with the quick switcher");

  // Esc closes it, where it was opened.
  await page.keyboard.press("Control+K");
  await page.locator("dialog.switcher[open]").waitFor({ timeout: 5_000 });
  await keys.type("files");
  await keys.press("Escape");
  await switcher.waitFor({ state: "detached", timeout: 5_000 });
  assert.equal(new URL(page.url()).pathname, `/rooms/${room}`, "Esc went somewhere");
  await keys.expectSensibleFocus("closing the quick switcher with Esc");
});
