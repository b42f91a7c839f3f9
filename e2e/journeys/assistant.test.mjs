// The assistant: a link in a room gets a clean "no preview" offline; the assistant answers from rooms and files
// with its steps and sources, keeps the conversation, and stops an answer halfway when asked.
import assert from "node:assert/strict";
import { uploadFile, waitForFile } from "../support/files.mjs";
import { defineJourney } from "../support/journey.mjs";
import { createRoom } from "../support/rooms.mjs";
import { assistantUi, roomUi } from "../support/ui.mjs";

const j = defineJourney("assistant");
const QUESTION = "What did we decide about the launch?";
let ada;
let room;

j.test("a link in a room gets a clean 'no preview' offline", async () => {
  ada = await j.signUp("Ada");
  room = await createRoom(ada, j.unique("launch"));
  const page = ada.page;
  await roomUi.open(page, j.base, room);
  await roomUi.send(page, "We decided: the launch is on Tuesday. Notes at http://10.1.2.3/launch");
  await page.locator("[data-testid=no-preview]", { hasText: "10.1.2.3" }).waitFor({ timeout: 20_000 });
  await j.checkPage(page, "a room with a link that has no preview", { shot: "no-preview" });
});

j.test(
  "the assistant answers from rooms and files, with its steps and sources, and keeps the conversation",
  async () => {
    const text = "The launch is on Tuesday. Every team reviews the launch list first. Coffee is in the kitchen.";
    const plan = await uploadFile(ada, { name: "plan.txt", type: "text/plain", body: text });
    await waitForFile(ada, plan.id);

    const page = ada.page;
    await page.goto(`${j.base}/assistant`);
    await assistantUi.question(page).waitFor({ timeout: 10_000 });
    await j.checkPage(page, "the assistant, no conversation yet", { shot: "empty" });
    await assistantUi.ask(page, QUESTION);
    const turn = assistantUi.lastTurn(page);
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
    for (const source of [`#${room}`, "plan.txt"]) {
      assert(
        sources.some((s) => s.includes(source)),
        `sources: ${sources.join(" | ")}`,
      );
    }
    await j.checkPage(page, "the assistant with an answer", { shot: "answer", fullPage: true });
    // The conversation is kept: it is listed, and opens again.
    await page.reload();
    await page.getByRole("button", { name: QUESTION }).click();
    await page.locator("[data-testid=answer]", { hasText: "the launch is on Tuesday" }).waitFor({ timeout: 10_000 });
    await j.checkPage(page, "the assistant, a kept conversation reopened");
  },
);

j.test("the assistant's Stop button stops an answer halfway", async () => {
  const page = ada.page;
  await page.goto(`${j.base}/assistant`);
  await assistantUi.question(page).waitFor({ timeout: 10_000 });
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
    await assistantUi.ask(page, QUESTION);
    const turn = assistantUi.lastTurn(page);
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
  await j.checkPage(page, "the assistant with a stopped answer", { shot: "stopped", fullPage: true });
});
