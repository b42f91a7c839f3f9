// Sign up and settings: a visitor sees the landing page, registers on the register page and lands on the home page
// with their rooms; an email already registered is refused in a sentence with a way to sign in; settings list this
// browser's sessions and explain a wrong current password beside its field; a wrong password is refused at sign-in
// with a message, the right one signs in, and a signed-out visit to a signed-in page comes back there afterwards.
import assert from "node:assert/strict";
import { defineJourney } from "../support/journey.mjs";
import { createRoom } from "../support/rooms.mjs";
import { shellUi } from "../support/ui.mjs";
import { PASSWORD } from "../support/users.mjs";

const j = defineJourney("signup");
let ada;
let room;

/** Text that only a debugging dump of the server's status (or the old visits counter) would show. */
const STATUS_DUMP = /visits|migrations|bindings|"environment"|\{"name":/i;

j.test("register in the browser and land on the home page", async () => {
  const context = await j.newContext({ label: "visitor" });
  const visitor = await context.newPage();
  await visitor.goto(`${j.base}/`);
  await visitor.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 10_000 });
  await j.checkPage(visitor, "the home page (signed out)", { shot: "landing" });
  await visitor.goto(`${j.base}/register`);
  await visitor.getByLabel("Display name").waitFor({ timeout: 10_000 });
  await j.checkPage(visitor, "the register page", { shot: "register" });
  await context.close();

  ada = await j.signUp("Ada", { via: "ui" });
  assert.equal(new URL(ada.page.url()).pathname, "/", `registering went on to ${ada.page.url()}`);
  assert(
    await ada.page.getByRole("heading", { level: 1, name: "Welcome back, Ada" }).isVisible(),
    "no greeting after registering",
  );
  await j.checkPage(ada.page, "the home page (new account)", { shot: "home-new" });
});

j.test("the home page is a landing page signed out, and my rooms signed in (no counter, no status)", async () => {
  // Signed out: what Outpost is, and the way in; nothing of the server's status, no visits counter.
  const context = await j.newContext({ label: "visitor" });
  const visitor = await context.newPage();
  await visitor.goto(`${j.base}/`);
  await visitor
    .getByRole("heading", { level: 1, name: "Your team's workspace, at the edge" })
    .waitFor({ timeout: 10_000 });
  await visitor.locator("main").getByRole("link", { name: "Create an account" }).waitFor({ timeout: 5_000 });
  await visitor.locator("main").getByRole("link", { name: "Sign in" }).waitFor({ timeout: 5_000 });
  const landing = (await visitor.locator("#root").textContent()) ?? "";
  assert(!STATUS_DUMP.test(landing), `the landing page shows a counter or the status: ${landing.slice(0, 300)}`);
  assert.equal(await shellUi.nav(visitor).count(), 0, "a visitor sees the signed-in sidebar");
  await context.close();

  // Signed in: a greeting and my rooms, each a link to the room.
  room = await createRoom(ada, j.unique("signup-home"));
  await ada.page.goto(`${j.base}/`);
  await ada.page.getByRole("heading", { level: 1, name: "Welcome back, Ada" }).waitFor({ timeout: 10_000 });
  const rooms = ada.page.getByRole("region", { name: "Your rooms" });
  await rooms.getByRole("link", { name: `#${room}`, exact: true }).waitFor({ timeout: 10_000 });
  for (const card of ["Latest files", "Assistant"]) {
    await ada.page.getByRole("heading", { level: 2, name: card, exact: true }).waitFor({ timeout: 5_000 });
  }
  const home = (await ada.page.locator("#root").textContent()) ?? "";
  assert(!STATUS_DUMP.test(home), `the home page shows a counter or the status: ${home.slice(0, 300)}`);
  const href = await rooms.getByRole("link", { name: `#${room}`, exact: true }).getAttribute("href");
  assert.equal(href, `/rooms/${room}`, "the room's link on the home page");
  await j.checkPage(ada.page, "the home page (signed in)", { shot: "home" });
});

j.test("registering an email that is taken says so in a sentence, with a link to sign in", async () => {
  const context = await j.newContext({ label: "Ada again" });
  const page = await context.newPage();
  await page.goto(`${j.base}/register`);
  await page.getByLabel("Display name").fill("Ada Again");
  await page.getByLabel("Email", { exact: true }).fill(ada.email);
  await page.getByLabel("Password", { exact: true }).fill("another long passphrase");
  await j.expectingConsole(/status of 409/, async () => {
    await page.getByRole("button", { name: "Create account" }).click();
    const refusal = page.getByRole("alert");
    await refusal.waitFor({ timeout: 10_000 });
    const text = (await refusal.textContent()) ?? "";
    assert(/already registered/.test(text), `the refusal reads: ${text}`);
    assert(!/\{|"type"|email-taken|409/.test(text), `the refusal is not a sentence: ${text}`);
  });
  const signIn = page.getByRole("link", { name: "Sign in with this email" });
  await signIn.waitFor({ timeout: 5_000 });
  await j.checkPage(page, "the register page refusing a taken email", { shot: "register-taken" });
  await signIn.click();
  await page.waitForURL((url) => url.pathname === "/signin", { timeout: 10_000 });
  await page.getByLabel("Email", { exact: true }).waitFor({ timeout: 10_000 });
  await context.close();
});

j.test("settings show my sessions", async () => {
  await ada.page.goto(`${j.base}/settings`);
  await ada.page.locator("[data-testid=sessions] li").first().waitFor({ timeout: 10_000 });
  await j.checkPage(ada.page, "settings", { shot: "settings", fullPage: true });
});

j.test("a wrong current password is explained beside its field, in a sentence", async () => {
  const page = ada.page;
  const current = page.getByLabel("Current password", { exact: true });
  await current.fill("not my current passphrase");
  await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase");
  await page.getByLabel("Repeat the new password").fill("a brand new passphrase");
  await j.expectingConsole(/status of 400/, async () => {
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByRole("alert").first().waitFor({ timeout: 10_000 });
  });
  // Beside the field, and tied to it for screen readers.
  assert.equal(await current.getAttribute("aria-invalid"), "true", "the field is not marked invalid");
  const describedBy = await current.getAttribute("aria-describedby");
  assert(describedBy, "the field has no description");
  const beside = page.locator(`[id="${describedBy}"]`);
  assert.equal((await beside.textContent())?.trim(), "Current password is incorrect.");
  const box = await current.boundingBox();
  const note = await beside.boundingBox();
  assert(box && note && Math.abs(note.y - (box.y + box.height)) < 40, "the error is not next to the field");
  // The API's field path is never shown as it is.
  const text = (await page.locator("#root").textContent()) ?? "";
  assert(!text.includes("(password.current") && !text.includes("password.current"), `field path shown: ${text}`);
  await j.checkPage(page, "settings with a wrong current password", { shot: "settings-wrong-password" });
});

j.test("a wrong password is refused with a message; the right one signs in", async () => {
  const context = await j.newContext({ label: "Ada (signed out)" });
  const page = await context.newPage();
  await page.goto(`${j.base}/signin`);
  const email = page.getByLabel("Email", { exact: true });
  const password = page.getByLabel("Password", { exact: true });
  await email.waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the sign-in page", { shot: "signin" });

  await j.expectingConsole(/status of 401/, async () => {
    await email.fill(ada.email);
    await password.fill("not the right passphrase");
    await password.press("Enter");
    const refusal = page.getByRole("alert");
    await refusal.waitFor({ timeout: 10_000 });
    assert(/password|incorrect|invalid/i.test((await refusal.textContent()) ?? ""), "the refusal does not say why");
    assert(page.url().startsWith(`${j.base}/signin`), `a wrong password went on to ${page.url()}`);
  });
  await j.checkPage(page, "the sign-in page with a refusal", { shot: "signin-refused" });

  await password.fill(PASSWORD);
  await password.press("Enter");
  await page.waitForURL(`${j.base}/`, { timeout: 15_000 });
  await page.getByRole("heading", { level: 1, name: "Welcome back, Ada" }).waitFor({ timeout: 10_000 });

  // Ada's first browser sees this one among her sessions, and signs it out.
  await ada.page.goto(`${j.base}/settings`);
  const others = ada.page.locator("[data-testid=sessions] li", {
    has: ada.page.getByRole("button", { name: "Sign out", exact: true }),
  });
  await others.first().waitFor({ timeout: 10_000 });
  assert.equal(await others.count(), 1, "not exactly one other session to sign out");
  await others.getByRole("button", { name: "Sign out", exact: true }).click();
  await ada.page.getByRole("status").filter({ hasText: "Session signed out." }).waitFor({ timeout: 10_000 });
  await others.first().waitFor({ state: "detached", timeout: 10_000 });
  await context.close();
});

j.test("a signed-out visit to a signed-in page asks to sign in, then comes back to it", async () => {
  const context = await j.newContext({ label: "Ada (deep link)" });
  const page = await context.newPage();
  await page.goto(`${j.base}/settings`);
  await page.waitForURL((url) => url.pathname === "/signin", { timeout: 10_000 });
  assert.equal(new URL(page.url()).searchParams.get("next"), "/settings", `redirected to ${page.url()}`);
  await page.getByLabel("Email", { exact: true }).fill(ada.email);
  const password = page.getByLabel("Password", { exact: true });
  await password.fill(PASSWORD);
  await password.press("Enter");
  await page.waitForURL(`${j.base}/settings`, { timeout: 15_000 });
  await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor({ timeout: 10_000 });
  await context.close();
});
