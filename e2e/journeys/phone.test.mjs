// Phone layout: every page fits a 390 px phone screen (nothing wider than the screen), signed out and signed in
// (as the admin, who sees every page), each with something on it; the navigation opens as a drawer from the top
// bar, and closes once a page is picked from it.
import assert from "node:assert/strict";
import { uploadFile, waitForFile } from "../support/files.mjs";
import { defineJourney, horizontalOverflow, PHONE } from "../support/journey.mjs";
import { createRoom, postMessages } from "../support/rooms.mjs";
import { shellUi } from "../support/ui.mjs";

const j = defineJourney("phone");
let admin;

/** Goes to `route` at a phone's width, waits for `ready`, and checks nothing is wider than the screen. */
async function fitsPhone(page, route, ready, shot) {
  await page.setViewportSize(PHONE);
  await page.goto(`${j.base}${route}`);
  await (typeof ready === "string" ? page.locator(ready) : ready(page)).first().waitFor({ timeout: 10_000 });
  const overflow = await horizontalOverflow(page);
  assert(overflow <= 1, `${route} is ${overflow}px wider than a 390px phone`);
  await j.checkPage(page, `${route} on a phone`, { shot, fullPage: true });
}

j.test("signed out, the home, sign-in and register pages fit a phone's width", async () => {
  const context = await j.newContext({ label: "visitor", viewport: PHONE });
  const page = await context.newPage();
  await fitsPhone(page, "/", "h1", "home-signed-out");
  await fitsPhone(page, "/signin", "input", "signin");
  await fitsPhone(page, "/register", "input", "register");
  await context.close();
});

j.test("every signed-in page fits a phone's width", async () => {
  admin = await j.admin();
  const room = await createRoom(admin, j.unique("phone"));
  await postMessages(admin, room, ["A message to show on a phone"]);
  const file = await uploadFile(admin, { name: "notes.txt", type: "text/plain", body: "Notes for the phone check." });
  await waitForFile(admin, file.id);

  const pages = [
    ["/", (page) => page.getByRole("heading", { level: 1, name: /^Welcome back/ }), "home"],
    ["/rooms", `main a[href="/rooms/${room}"]`, "rooms"],
    [`/rooms/${room}`, ".message", "room"],
    ["/files", "[data-testid=file]", "files"],
    [`/files?file=${file.id}`, "[data-testid=file-panel] .preview-text", "file"],
    ["/assistant", "h1", "assistant"],
    ["/settings", "[data-testid=upload-stats]", "settings"],
    ["/admin", "[data-testid=route-table]", "admin"],
    ["/admin?tab=flags", 'form[aria-label="Edit flag"]', "admin-flags"],
    ["/admin?tab=users", "li[data-user]", "admin-users"],
  ];
  for (const [route, ready, shot] of pages) await fitsPhone(admin.page, route, ready, shot);
});

j.test("on a phone the navigation opens as a drawer, and closes once a page is picked", async () => {
  const page = admin.page;
  await page.setViewportSize(PHONE);
  await page.goto(`${j.base}/settings`);
  await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor({ timeout: 10_000 });
  // The sidebar is not on the page until the drawer opens.
  assert.equal(await shellUi.nav(page).count(), 0, "the sidebar shows on a phone with the drawer closed");
  const drawer = await shellUi.openDrawer(page);
  const nav = drawer.getByRole("navigation", { name: "Main" });
  await nav.waitFor({ timeout: 5_000 });
  await j.screenshot(page, "drawer");
  await j.checkPage(page, "the navigation drawer open on a phone");
  await page.setViewportSize(PHONE);
  await nav.getByRole("link", { name: "Files", exact: true }).click();
  await page.waitForURL(`${j.base}/files`, { timeout: 10_000 });
  await page.getByRole("heading", { level: 1, name: "Files" }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator("dialog.drawer[open]").count(), 0, "the drawer stayed open");
  assert.equal(await shellUi.nav(page).count(), 0, "the sidebar still shows");
  assert(await page.getByRole("heading", { level: 1, name: "Files" }).isVisible(), "the Files page is not shown");
});
