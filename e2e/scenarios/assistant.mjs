// Link previews fail cleanly offline; the assistant answers from rooms and files, keeps the conversation, and stops
// an answer halfway when asked.
import { assert } from "../lib.mjs";

export async function assistant(h) {
  const { base, users, check, shot } = h;
  const { ada } = users;

  await check(
    "a link in a room gets a clean 'no preview' offline; the assistant answers from rooms and files",
    async () => {
      const page = ada.page;
      await page.goto(`${base}/rooms/e2e`);
      await page.locator("[data-testid=connection-state]", { hasText: "Connected" }).waitFor({ timeout: 15_000 });
      await page.fill("input[name=text]", "We decided: the launch is on Tuesday. Notes at http://10.1.2.3/launch");
      await page.press("input[name=text]", "Enter");
      await page.locator("[data-testid=no-preview]", { hasText: "10.1.2.3" }).waitFor({ timeout: 20_000 });

      await page.goto(`${base}/assistant`);
      await page.fill("input[name=question]", "What did we decide about the launch?");
      await page.getByRole("button", { name: "Ask" }).click();
      const turn = page.locator("[data-testid=turn]").last();
      await turn.and(page.locator("[data-state=complete]")).waitFor({ timeout: 30_000 });
      const steps = await turn.locator(".steps li").allTextContents();
      for (const step of ["Searching room messages", "Searching your files"]) {
        assert(
          steps.some((s) => s.startsWith(step)),
          `steps: ${steps.join(" | ")}`,
        );
      }
      const answer = await turn.locator("[data-testid=answer]").textContent();
      assert(answer?.includes("the launch is on Tuesday"), `answer: ${answer}`);
      const sources = await turn.locator(".citations a").allTextContents();
      for (const source of ["#e2e", "plan.txt"]) {
        assert(
          sources.some((s) => s.includes(source)),
          `sources: ${sources.join(" | ")}`,
        );
      }
      await page.screenshot({ path: shot("assistant.png"), fullPage: true });
      // The conversation is kept: it is listed, and opens again.
      await page.reload();
      await page.getByRole("button", { name: "What did we decide about the launch?" }).click();
      await page.locator("[data-testid=answer]", { hasText: "the launch is on Tuesday" }).waitFor({ timeout: 10_000 });
    },
  );

  await check("the assistant's Stop button stops an answer halfway", async () => {
    const page = ada.page;
    await page.goto(`${base}/assistant`);
    // A slow connection (600 bytes a second) so the stream is still arriving when Stop is pressed.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: 600,
      uploadThroughput: -1,
    });
    try {
      await page.fill("input[name=question]", "What did we decide about the launch?");
      await page.getByRole("button", { name: "Ask" }).click();
      const turn = page.locator("[data-testid=turn]").last();
      await turn.locator(".steps li").first().waitFor({ timeout: 20_000 });
      assert((await turn.getAttribute("data-state")) === "streaming", "the answer finished before Stop");
      await page.getByRole("button", { name: "Stop" }).click();
      await turn.and(page.locator("[data-state=stopped]")).waitFor({ timeout: 5_000 });
      await turn.getByText("Stopped.").waitFor({ timeout: 5_000 });
      const stoppedAt = await turn.locator("[data-testid=answer]").textContent();
      await page.waitForTimeout(1_500);
      assert((await turn.locator("[data-testid=answer]").textContent()) === stoppedAt, "the answer grew after Stop");
      await page.getByRole("button", { name: "Ask" }).waitFor({ timeout: 5_000 });
    } finally {
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await cdp.detach();
    }
  });
}
