// Admin: a member is refused; an admin turns the assistant off and on for everyone with a flag, and opens each tab.
import { assert } from "../lib.mjs";

export async function admin(h) {
  const { base, users, check, expectingConsole, shot } = h;
  const { ada, bob } = users;

  await check(
    "admin: a member cannot reach admin pages; an admin turns the assistant off and on for everyone",
    async () => {
      await expectingConsole(/403 \(Forbidden\)/, async () => {
        await bob.page.goto(`${base}/admin`);
        await bob.page.locator("[data-testid=admin-refused]").waitFor({ timeout: 10_000 });
        const apiStatus = await bob.page.evaluate(async () => (await fetch("/api/admin/metrics")).status);
        assert(apiStatus === 403, `a member got ${apiStatus} from /api/admin/metrics`);

        const page = ada.page;
        await page.goto(`${base}/admin`);
        await page.fill("input[name=name]", "assistant");
        await page.fill("input[name=description]", "Turned off by the browser test");
        await page.getByRole("button", { name: "Save flag" }).click();
        await page.locator("[data-flag=assistant]", { hasText: "off" }).waitFor({ timeout: 10_000 });

        await bob.page.goto(`${base}/assistant`);
        await bob.page.fill("input[name=question]", "What did we decide about the launch?");
        await bob.page.getByRole("button", { name: "Ask" }).click();
        await bob.page.getByText("turned the assistant off").waitFor({ timeout: 10_000 });

        await page.locator("[data-flag=assistant]").getByRole("button", { name: "Delete" }).click();
        await page.locator("[data-flag=assistant]").waitFor({ state: "detached", timeout: 10_000 });
        await bob.page.fill("input[name=question]", "What did we decide about the launch?");
        await bob.page.getByRole("button", { name: "Ask" }).click();
        await bob.page.locator("[data-testid=turn][data-state=complete]").waitFor({ timeout: 30_000 });

        await page.getByRole("tab", { name: "Metrics" }).click();
        await page.getByText("Cache hit ratio by namespace").waitFor({ timeout: 10_000 });
        await page.screenshot({ path: shot("admin-metrics.png"), fullPage: true });
        await page.getByRole("tab", { name: "Files" }).click();
        await page.getByText("Files by status").waitFor({ timeout: 10_000 });
        await page.getByRole("tab", { name: "Users" }).click();
        await page.getByText("Bob", { exact: true }).waitFor({ timeout: 10_000 });
      });
    },
  );
}
