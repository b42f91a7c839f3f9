// Admin: a member is refused the admin page and its API; an admin turns the assistant off and on for everyone with
// a flag, and browses metrics, file states and users.
import assert from "node:assert/strict";
import { after } from "node:test";
import { defineJourney } from "../support/journey.mjs";
import { assistantUi } from "../support/ui.mjs";

const j = defineJourney("admin");
const QUESTION = "What did we decide about the launch?";
let admin;
let grace;

// Flags are global: whatever happens here, the assistant is left on for the journeys after this one.
after(async () => {
  await admin?.api("DELETE", "/api/features/assistant", undefined, { expect: [200, 204, 404] }).catch(() => {});
});

j.test("a member cannot reach the admin pages or their API", async () => {
  admin = await j.admin();
  // Unique on a shared server: the Users tab is checked for this name.
  grace = await j.signUp("Grace", { name: j.unique("Grace") });
  await j.expectingConsole(/403 \(Forbidden\)/, async () => {
    await grace.page.goto(`${j.base}/admin`);
    await grace.page.locator("[data-testid=admin-refused]").waitFor({ timeout: 10_000 });
    const apiStatus = await grace.page.evaluate(async () => {
      const res = await fetch("/api/admin/metrics");
      await res.body?.cancel();
      return res.status;
    });
    assert(apiStatus === 403, `a member got ${apiStatus} from /api/admin/metrics`);
    await j.checkPage(grace.page, "the admin page refusing a member", { shot: "refused" });
  });
});

j.test("an admin turns the assistant off and on for everyone", async () => {
  const page = admin.page;
  await j.expectingConsole(/403 \(Forbidden\)/, async () => {
    await page.goto(`${j.base}/admin`);
    await page.locator('form[aria-label="Edit flag"]').waitFor({ timeout: 10_000 });
    await j.checkPage(page, "the admin page, flags", { shot: "flags", fullPage: true });
    await page.fill("input[name=name]", "assistant");
    await page.fill("input[name=description]", "Turned off by the browser test");
    await page.getByRole("button", { name: "Save flag" }).click();
    await page.locator("[data-flag=assistant]", { hasText: "off" }).waitFor({ timeout: 10_000 });

    await grace.page.goto(`${j.base}/assistant`);
    await assistantUi.ask(grace.page, QUESTION);
    await grace.page.getByText("turned the assistant off").waitFor({ timeout: 10_000 });
    await j.checkPage(grace.page, "the assistant turned off", { shot: "assistant-off" });

    await page.locator("[data-flag=assistant]").getByRole("button", { name: "Delete" }).click();
    await page.locator("[data-flag=assistant]").waitFor({ state: "detached", timeout: 10_000 });
    await assistantUi.ask(grace.page, QUESTION);
    await grace.page.locator("[data-testid=turn][data-state=complete]").waitFor({ timeout: 30_000 });
  });
});

j.test("an admin browses metrics, file states and users", async () => {
  const page = admin.page;
  await page.getByRole("tab", { name: "Metrics" }).click();
  await page.getByText("Cache hit ratio by namespace").waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the admin page, metrics", { shot: "metrics", fullPage: true });
  await page.getByRole("tab", { name: "Files" }).click();
  await page.getByText("Files by status").waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the admin page, files", { shot: "files", fullPage: true });
  await page.getByRole("tab", { name: "Users" }).click();
  await page.getByText(grace.name, { exact: true }).waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the admin page, users", { shot: "users", fullPage: true });
});
