// Phone layout: every page fits a 390 px phone screen (nothing wider than the screen), signed out and signed in
// (as the admin, who sees every page), each with something on it.
import assert from "node:assert/strict";
import { uploadFile, waitForFile } from "../support/files.mjs";
import { defineJourney, horizontalOverflow, PHONE } from "../support/journey.mjs";
import { createRoom, postMessages } from "../support/rooms.mjs";

const j = defineJourney("phone");

/** Goes to `route` at a phone's width, waits for `ready`, and checks nothing is wider than the screen. */
async function fitsPhone(page, route, ready, shot) {
  await page.setViewportSize(PHONE);
  await page.goto(`${j.base}${route}`);
  await page.locator(ready).first().waitFor({ timeout: 10_000 });
  const overflow = await horizontalOverflow(page);
  assert(overflow <= 1, `${route} is ${overflow}px wider than a 390px phone`);
  await j.checkPage(page, `${route} on a phone`, { shot, fullPage: true });
}

j.test("signed out, the home, sign-in and register pages fit a phone's width", async () => {
  const context = await j.newContext({ label: "visitor", viewport: PHONE });
  const page = await context.newPage();
  await fitsPhone(page, "/", "h1", "home");
  await fitsPhone(page, "/signin", "input", "signin");
  await fitsPhone(page, "/register", "input", "register");
  await context.close();
});

j.test("every signed-in page fits a phone's width", async () => {
  const admin = await j.admin();
  const room = await createRoom(admin, j.unique("phone"));
  await postMessages(admin, room, ["A message to show on a phone"]);
  const file = await uploadFile(admin, { name: "notes.txt", type: "text/plain", body: "Notes for the phone check." });
  await waitForFile(admin, file.id);

  const ready = {
    "/rooms": "li.card",
    [`/rooms/${room}`]: ".message",
    "/files": "[data-testid=file]",
    "/assistant": "h1",
    "/settings": "[data-testid=upload-stats]",
    "/admin": 'form[aria-label="Edit flag"]',
  };
  const shots = { "/rooms": "rooms", [`/rooms/${room}`]: "room", "/files": "files" };
  for (const [route, selector] of Object.entries(ready)) {
    await fitsPhone(admin.page, route, selector, shots[route] ?? route.slice(1));
  }
});
