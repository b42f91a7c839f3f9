// Admin: a member is refused the admin page and its API; an admin turns the assistant off and on for everyone with
// a flag, and browses metrics, file states, users and the system's status.
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
    const refused = grace.page.locator("[data-testid=admin-refused]");
    await refused.waitFor({ timeout: 10_000 });
    await refused.getByRole("heading", { level: 1, name: "Admins only" }).waitFor({ timeout: 5_000 });
    // Nothing of the admin pages shows, not even their tabs.
    assert.equal(await grace.page.getByRole("tab").count(), 0, "a member sees the admin tabs");
    assert.equal(
      await grace.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).count(),
      0,
      "a member's sidebar links to the admin page",
    );
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
    await page.getByRole("tab", { name: "Flags" }).click();
    await page.waitForURL((url) => url.searchParams.get("tab") === "flags", { timeout: 5_000 });
    const form = page.locator('form[aria-label="Edit flag"]');
    await form.waitFor({ timeout: 10_000 });
    await j.checkPage(page, "the admin page, flags", { shot: "flags", fullPage: true });
    await form.locator("input[name=name]").fill("assistant");
    await form.locator("input[name=description]").fill("Turned off by the browser test");
    // Not enabled: off for everyone, and the preview says how many users that is.
    assert.equal(await form.getByRole("checkbox", { name: "Enabled", exact: true }).isChecked(), false);
    await page.locator("[data-testid=flag-preview-count]", { hasText: /of \d+ users? would be on/ }).waitFor({
      timeout: 10_000,
    });
    await form.getByRole("button", { name: "Save flag" }).click();
    await page.getByRole("status").filter({ hasText: "Flag assistant saved." }).waitFor({ timeout: 10_000 });
    await page.locator("[data-flag=assistant]", { hasText: "off" }).waitFor({ timeout: 10_000 });

    await grace.page.goto(`${j.base}/assistant`);
    await assistantUi.ask(grace.page, QUESTION);
    await grace.page.getByText("turned the assistant off").waitFor({ timeout: 10_000 });
    await j.checkPage(grace.page, "the assistant turned off", { shot: "assistant-off" });

    await page
      .locator("[data-flag=assistant]")
      .getByRole("button", { name: /^Delete/ })
      .click();
    const confirm = page.getByRole("dialog", { name: "Delete the flag assistant?" });
    await confirm.waitFor({ timeout: 5_000 });
    await confirm.getByRole("button", { name: "Delete flag" }).click();
    await page.getByRole("status").filter({ hasText: "Flag assistant deleted." }).waitFor({ timeout: 10_000 });
    await page.locator("[data-flag=assistant]").waitFor({ state: "detached", timeout: 10_000 });
    await assistantUi.ask(grace.page, QUESTION);
    await grace.page.locator("[data-testid=turn][data-state=complete]").waitFor({ timeout: 30_000 });
  });
});

j.test("an admin browses metrics, file states, users and the status", async () => {
  const page = admin.page;
  await page.getByRole("tab", { name: "Metrics" }).click();
  await page.getByText("Cache hit ratio by namespace").waitFor({ timeout: 10_000 });
  await page.locator("[data-testid=route-table]").waitFor({ timeout: 10_000 });
  await page.locator("[data-testid=requests-chart]").waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the admin page, metrics", { shot: "metrics", fullPage: true });
  await page.getByRole("tab", { name: "Files" }).click();
  await page.getByText("Files by status").waitFor({ timeout: 10_000 });
  await page.getByText("Dead letters").first().waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the admin page, files", { shot: "files", fullPage: true });
  await page.getByRole("tab", { name: "Users" }).click();
  // Users may be past the first page on a shared server: search for her.
  await page.getByLabel("Search users").fill(grace.name);
  const row = page.locator(`li[data-user="${grace.email}"]`);
  await row.getByText(grace.name, { exact: true }).first().waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the admin page, users", { shot: "users", fullPage: true });
  await page.getByRole("tab", { name: "Status" }).click();
  await page.locator("[data-testid=status-version]").waitFor({ timeout: 10_000 });
  await page.locator("[data-testid=status-environment]").waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the admin page, status", { shot: "status", fullPage: true });
});
