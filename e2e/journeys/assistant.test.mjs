// The assistant: a link in a room gets a clean "no preview" offline; the assistant answers from rooms and files
// with its steps and sources, keeps the conversation, and its sources lead to the file and the message; Stop ends an
// answer halfway and says "Stopped" (not "Your question is empty."); an answer stopped early is kept as stopped,
// with its steps, when the conversation is opened again.
import assert from "node:assert/strict";
import { uploadFile, waitForFile } from "../support/files.mjs";
import { defineJourney } from "../support/journey.mjs";
import { createRoom } from "../support/rooms.mjs";
import { assistantUi, filesUi, roomUi } from "../support/ui.mjs";

const j = defineJourney("assistant");
const QUESTION = "What did we decide about the launch?";
let ada;
let room;
let plan;

/**
 * A slow connection for the assistant's answer only: while `window.__e2eSlowChat` is set, the body of
 * /api/assistant/chat reaches the page 40 bytes every 150 ms (the offline provider answers in a few milliseconds).
 * Aborting the request (Stop) ends the slowed body too.
 */
const SLOW_CHAT = `(() => {
  const real = window.fetch;
  window.fetch = async (...args) => {
    const response = await real(...args);
    const url = String(args[0] && args[0].url ? args[0].url : args[0]);
    if (!window.__e2eSlowChat || !url.includes("/api/assistant/chat") || !response.body) return response;
    const reader = response.body.getReader();
    const signal = args[1] && args[1].signal;
    const body = new ReadableStream({
      start(controller) {
        signal?.addEventListener("abort", () => {
          try { controller.error(new DOMException("The user aborted a request.", "AbortError")); } catch {}
          reader.cancel().catch(() => {});
        });
      },
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        for (let i = 0; i < value.length; i += 40) {
          await new Promise((resolve) => setTimeout(resolve, 150));
          if (signal?.aborted) return;
          controller.enqueue(value.slice(i, i + 40));
        }
      },
      cancel(reason) { return reader.cancel(reason); },
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
})();`;

j.test("a link in a room gets a clean 'no preview' offline", async () => {
  ada = await j.signUp("Ada");
  await ada.context.addInitScript(SLOW_CHAT);
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
    plan = await uploadFile(ada, { name: "plan.txt", type: "text/plain", body: text });
    await waitForFile(ada, plan.id);

    const page = ada.page;
    await page.goto(`${j.base}/assistant`);
    await assistantUi.question(page).waitFor({ timeout: 10_000 });
    await page.locator("[data-testid=assistant-empty]").waitFor({ timeout: 10_000 });
    await j.checkPage(page, "the assistant, no conversation yet", { shot: "empty" });
    await assistantUi.ask(page, QUESTION);
    const turn = assistantUi.lastTurn(page);
    await turn.and(page.locator("[data-state=complete]")).waitFor({ timeout: 30_000 });
    assert(/[?&]conversation=[0-9a-f]{32}/.test(page.url()), `the URL does not name the conversation: ${page.url()}`);
    const steps = await assistantUi.steps(turn);
    for (const step of [/^Search(ing|ed) room messages/, /^Search(ing|ed) your files/]) {
      assert(
        steps.some((s) => step.test(s)),
        `steps: ${steps.join(" | ")}`,
      );
    }
    const answer = await turn.locator("[data-testid=answer]").textContent();
    assert(answer?.includes("the launch is on Tuesday"), `answer: ${answer}`);
    const sources = await turn.locator("[data-testid=source] a").allTextContents();
    for (const source of [`#${room}`, "plan.txt"]) {
      assert(
        sources.some((s) => s.includes(source)),
        `sources: ${sources.join(" | ")}`,
      );
    }
    await j.checkPage(page, "the assistant with an answer", { shot: "answer", fullPage: true });
    // The conversation is kept: it is listed, and opens again.
    await page.goto(`${j.base}/assistant`);
    await page.locator("[data-testid=assistant-empty]").waitFor({ timeout: 10_000 });
    const kept = assistantUi.conversation(page, QUESTION);
    await kept.click();
    await page.locator("[data-testid=answer]", { hasText: "the launch is on Tuesday" }).waitFor({ timeout: 10_000 });
    assert.equal(await kept.getAttribute("aria-current"), "page", "the open conversation is not marked current");
    await j.checkPage(page, "the assistant, a kept conversation reopened");
  },
);

j.test("the answer's sources lead to the file and to the room's message", async () => {
  const page = ada.page;
  const turn = assistantUi.lastTurn(page);
  const roomSource = turn.locator("[data-testid=source]", { hasText: `#${room}` }).getByRole("link");
  const href = await roomSource.getAttribute("href");
  assert.match(href ?? "", new RegExp(`^/rooms/${room}\\?message=\\d+$`), "the room source's link");
  const fileSource = turn.locator("[data-testid=source]", { hasText: "plan.txt" }).getByRole("link");
  await fileSource.click();
  await page.waitForURL(`${j.base}/files?file=${plan.id}`, { timeout: 10_000 });
  const panel = filesUi.panel(page);
  await panel.getByRole("heading", { level: 2, name: "plan.txt", exact: true }).waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the files page opened from a source");
});

j.test("Stop while an answer streams stops it halfway and says Stopped, not 'Your question is empty.'", async () => {
  const page = ada.page;
  await page.goto(`${j.base}/assistant`);
  await assistantUi.question(page).waitFor({ timeout: 10_000 });
  // A slow answer, so that it is still arriving when Stop is pressed.
  await page.evaluate(() => {
    window.__e2eSlowChat = true;
  });
  try {
    await assistantUi.ask(page, QUESTION);
    const turn = assistantUi.lastTurn(page);
    await turn.locator("[data-testid=answer]").waitFor({ timeout: 30_000 });
    assert.equal(await turn.getAttribute("data-state"), "streaming", "the answer finished before Stop");
    await page.getByRole("button", { name: "Stop", exact: true }).click();
    await turn.and(page.locator("[data-state=stopped]")).waitFor({ timeout: 5_000 });
    const status = turn.locator("[data-testid=turn-status][data-status=stopped]");
    assert.equal((await status.textContent())?.trim(), "Stopped");
    const stoppedAt = await turn.locator("[data-testid=answer]").textContent();
    await page.waitForTimeout(1_500);
    assert((await turn.locator("[data-testid=answer]").textContent()) === stoppedAt, "the answer grew after Stop");
    assert(stoppedAt, "the part answered before Stop is gone");
    // Stop is not a submit: nothing says the (emptied) question box is empty, and nothing failed.
    assert.equal(await page.getByText("Your question is empty.").count(), 0, "Stop said the question is empty");
    assert.equal(await page.getByText(/question is empty/i).count(), 0, "Stop complained about the question");
    assert.equal(
      await page.getByRole("alert").count(),
      0,
      `an alert after Stop: ${await page.getByRole("alert").allTextContents()}`,
    );
    await page.getByRole("button", { name: "Send", exact: true }).waitFor({ timeout: 5_000 });
  } finally {
    await page.evaluate(() => {
      window.__e2eSlowChat = false;
    });
  }
  await j.checkPage(page, "the assistant with a stopped answer", { shot: "stopped", fullPage: true });
});

j.test("a conversation whose answer was stopped reopens showing it stopped, with its steps", async (t) => {
  const page = ada.page;
  // Enough for the tools to take a moment (each call waits its turn): rooms of Ada's own (private, so no one else
  // sees them), one named in the question, and a counter.
  for (let i = 1; i <= 10; i++) {
    await createRoom(ada, j.unique(`stopped-${i}`), { visibility: "private" });
  }
  const question = `What did we decide about the launch in #${room}? And counter ${j.unique("launches")}`;
  // The browser goes away while the tools run (the page aborts its request after the first bytes): the server
  // keeps the turn as stopped, with the steps it had begun. Whether it has begun them by then depends on timing:
  // asked again (as a new conversation) until it has.
  let conversationId;
  let stored;
  const tries = [];
  for (let attempt = 1; attempt <= 8 && !stored; attempt++) {
    const id = await page.evaluate(async (message) => {
      const abort = new AbortController();
      const res = await fetch("/api/assistant/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify({ message }),
        signal: abort.signal,
      });
      const reader = res.body.getReader();
      const { value } = await reader.read();
      abort.abort();
      return /"conversationId":"([0-9a-f]{32})"/.exec(new TextDecoder().decode(value))?.[1];
    }, question);
    assert(id, "the stream did not name its conversation");
    // The server stores the turn once its producer notices the client has gone.
    const deadline = Date.now() + 4_000;
    let last;
    while (Date.now() < deadline) {
      const res = await page.request.get(`${j.base}/api/assistant/conversations/${id}`);
      last = (await res.json()).messages.at(-1);
      if (last?.role === "assistant" && last.status === "stopped" && last.steps.length > 0) break;
      if (last?.status === "complete") break;
      await page.waitForTimeout(200);
    }
    tries.push(`${last?.status} with ${last?.steps?.length ?? 0} steps`);
    if (last?.role === "assistant" && last.status === "stopped" && last.steps.length > 0) {
      conversationId = id;
      stored = last;
    }
  }
  assert(stored, `no answer was stored as stopped with its steps: ${tries.join("; ")}`);
  t.diagnostic(`stopped answers asked: ${tries.join("; ")}`);

  await page.goto(`${j.base}/assistant?conversation=${conversationId}`);
  const turn = assistantUi.lastTurn(page);
  await turn.waitFor({ timeout: 10_000 });
  assert.equal(await turn.getAttribute("data-state"), "stopped");
  const status = turn.locator("[data-testid=turn-status][data-status=stopped]");
  await status.waitFor({ timeout: 5_000 });
  assert.match((await status.textContent()) ?? "", /^Stopped/);
  await turn.locator("[data-testid=steps]").waitFor({ timeout: 5_000 });
  const steps = await assistantUi.steps(turn);
  assert.equal(steps.length, stored.steps.length, `steps shown: ${steps.join(" | ")}`);
  assert(
    steps.some((s) => /room messages/.test(s)),
    `steps: ${steps.join(" | ")}`,
  );
  await j.checkPage(page, "the assistant, a stopped answer reopened", { shot: "stopped-reopened" });
});
