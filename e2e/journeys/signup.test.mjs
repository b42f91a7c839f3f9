// Sign up and settings: a person registers on the register page and lands on the rooms list; settings list this
// browser's session; a wrong password is refused with a message, and the right one signs in.
import assert from "node:assert/strict";
import { defineJourney } from "../support/journey.mjs";
import { PASSWORD } from "../support/users.mjs";

const j = defineJourney("signup");
let ada;

j.test("register in the browser and land on the rooms page", async () => {
  const context = await j.newContext({ label: "visitor" });
  const visitor = await context.newPage();
  await visitor.goto(`${j.base}/`);
  await visitor.getByRole("heading", { level: 1 }).first().waitFor({ timeout: 10_000 });
  await j.checkPage(visitor, "the home page (signed out)", { shot: "home" });
  await visitor.goto(`${j.base}/register`);
  await visitor.getByLabel("Display name").waitFor({ timeout: 10_000 });
  await j.checkPage(visitor, "the register page", { shot: "register" });
  await context.close();

  ada = await j.signUp("Ada", { via: "ui" });
  assert(
    await ada.page.getByRole("heading", { level: 1, name: "Rooms" }).isVisible(),
    "no Rooms heading after registering",
  );
  await j.checkPage(ada.page, "the rooms list (new account)", { shot: "rooms" });
});

j.test("settings show my sessions", async () => {
  await ada.page.goto(`${j.base}/settings`);
  await ada.page.locator("[data-testid=sessions] li").first().waitFor({ timeout: 10_000 });
  await j.checkPage(ada.page, "settings", { shot: "settings", fullPage: true });
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
  await page.waitForURL(`${j.base}/rooms`, { timeout: 15_000 });
  await page.getByRole("heading", { level: 1, name: "Rooms" }).waitFor({ timeout: 10_000 });
});
