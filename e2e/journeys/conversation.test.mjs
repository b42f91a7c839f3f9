// A conversation (issue 14): two people in two browsers react, edit, reply in a thread and @mention each other;
// the mentioned person's inbox badge and tab title count it; an image pasted into the composer shows inline for
// the other person; a message deleted by its author becomes a tombstone everywhere; search finds a message and opens
// the room at it; reloading keeps everything. Screenshots of the room at 1280 and 390 px (the README's).
import assert from "node:assert/strict";
import { defineJourney } from "../support/journey.mjs";
import { roomUi } from "../support/room-ui.mjs";
import { createRoom, postMessages } from "../support/rooms.mjs";

const j = defineJourney("conversation");
let ada;
let bob;
let room;

const CHECKLIST = "The deploy checklist is in the wiki";
const CHECKLIST_EDITED = "The deploy checklist is in the wiki, section 3 (**updated**)";
const REPLY = "I'll walk through it with the team today";

/** The shown message (not one on its way) whose rendered text contains `text`. */
const row = (page, text) =>
  page
    .locator("[data-testid=messages] article.message:not(.pending)")
    .filter({ has: page.locator(".md", { hasText: text }) });

/** Hovers a message and presses one of its toolbar's buttons ("Add a reaction", "Edit message", …). */
async function action(page, message, name) {
  await message.hover();
  await message.getByRole("button", { name, exact: true }).click();
}

j.test("two people react, edit, reply in a thread and mention each other", async () => {
  ada = await j.signUp("Ada");
  bob = await j.signUp("Bob");
  room = await createRoom(ada, j.unique("team"));
  await postMessages(bob, room, ["Morning! Are we shipping 2.4 today?"]);
  for (const { page } of [ada, bob]) await roomUi.open(page, j.base, room);
  await roomUi.send(ada.page, CHECKLIST);
  const bobsCopy = row(bob.page, CHECKLIST);
  await bobsCopy.waitFor({ timeout: 10_000 });

  // Bob reacts; Ada sees the count.
  await action(bob.page, bobsCopy, "Add a reaction");
  await bob.page.getByRole("button", { name: "React with 👍" }).click();
  const adasReaction = row(ada.page, CHECKLIST).locator("[data-testid=reaction]");
  await adasReaction.filter({ hasText: "1" }).waitFor({ timeout: 10_000 });

  // Ada edits her message; Bob sees the new text, marked edited, and the reaction stays.
  await action(ada.page, row(ada.page, CHECKLIST), "Edit message");
  const editBox = ada.page.locator("[data-testid=edit-box]");
  await editBox.fill(CHECKLIST_EDITED);
  await editBox.press("Enter");
  const edited = row(bob.page, "section 3");
  await edited.locator("[data-testid=edited]").waitFor({ timeout: 10_000 });
  assert.equal(await edited.locator("strong", { hasText: "updated" }).count(), 1, "the edit's markdown is not bold");
  assert.equal(await edited.locator("[data-testid=reaction]").count(), 1, "the reaction went with the edit");

  // Bob replies in a thread; Ada sees "1 reply" on the root and the reply in the thread.
  await action(bob.page, edited, "Reply in thread");
  const bobsThread = bob.page.locator("[data-testid=thread-panel]");
  await bobsThread.waitFor({ timeout: 10_000 });
  const replyBox = bobsThread.getByRole("textbox");
  await replyBox.fill(REPLY);
  await replyBox.press("Enter");
  await bobsThread.locator("article.message:not(.pending) .md", { hasText: REPLY }).waitFor({ timeout: 10_000 });
  const summary = row(ada.page, "section 3").locator("[data-testid=thread-summary]");
  await summary.filter({ hasText: "1 reply" }).waitFor({ timeout: 10_000 });
  assert.equal(await row(ada.page, REPLY).count(), 0, "the thread reply is in the main timeline");
  await summary.click();
  const adasThread = ada.page.locator("[data-testid=thread-panel]");
  await adasThread.locator(".md", { hasText: REPLY }).waitFor({ timeout: 10_000 });

  // Ada moves to the rooms list; Bob mentions her with the composer's autocomplete. Her inbox badge, tab title and
  // the room's mention badge count it, and the room opens with the mention in view.
  await ada.page.goto(`${j.base}/rooms`);
  await ada.page.locator(`#main li[data-room="${room}"]`).waitFor({ timeout: 10_000 });
  const box = roomUi.composer(bob.page);
  await box.click();
  await box.pressSequentially("@Ad");
  await bob.page.getByRole("option", { name: /Ada/ }).first().waitFor({ timeout: 10_000 });
  await box.press("Enter");
  await box.pressSequentially("can you check the numbers?");
  assert.match(await box.inputValue(), /^@Ada can you check the numbers\?$/, "the autocomplete did not insert @Ada");
  await box.press("Enter");
  // Two entries: Bob's reply in the thread of Ada's message (she wrote its root), and the mention.
  await ada.page
    .locator("[data-testid=inbox-badge]:visible")
    .filter({ hasText: "2" })
    .first()
    .waitFor({ timeout: 10_000 });
  await ada.page.waitForFunction(() => document.title.startsWith("(2)"), null, { timeout: 10_000 });
  const roomMentions = ada.page.locator(`nav[aria-label=Main] a[href="/rooms/${room}"] [data-testid=mentions]:visible`);
  await roomMentions
    .filter({ hasText: "1" })
    .first()
    .waitFor({ timeout: 10_000 })
    .catch(async (error) => {
      const { rooms } = await ada.api("GET", "/api/rooms");
      const summary = rooms.find((r) => r.name === room);
      throw new Error(`the room's mention badge is missing; the API says ${JSON.stringify(summary)}: ${error.message}`);
    });
  await roomUi.open(ada.page, j.base, room);
  await row(ada.page, "can you check the numbers?").locator(".mention.mine").waitFor({ timeout: 10_000 });
  await bob.page.locator("[data-testid=thread-panel]").getByRole("button", { name: "Close thread" }).click();
});

j.test("an image pasted into the composer shows inline for the other person", async () => {
  const box = roomUi.composer(ada.page);
  await box.click();
  // A gradient drawn on a canvas and pasted as a PNG file, as a screenshot from the clipboard would be.
  await ada.page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 320;
    canvas.height = 180;
    const g = canvas.getContext("2d");
    const fill = g.createLinearGradient(0, 0, 320, 180);
    fill.addColorStop(0, "#2b59c3");
    fill.addColorStop(1, "#f2a541");
    g.fillStyle = fill;
    g.fillRect(0, 0, 320, 180);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
    const data = new DataTransfer();
    data.items.add(new File([blob], "release-chart.png", { type: "image/png" }));
    document.activeElement.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
  });
  const chip = ada.page.locator("[data-testid=attachment-chip]");
  await chip.waitFor({ timeout: 10_000 });
  await ada.page.waitForFunction(
    () => [...document.querySelectorAll("[data-testid=attachment-chip]")].every((c) => c.dataset.status === "ready"),
    null,
    { timeout: 30_000 },
  );
  await box.fill("The release chart @room");
  await box.press("Enter");
  const image = row(bob.page, "The release chart").locator("[data-testid=attachment-image]");
  await image.waitFor({ timeout: 15_000 });
  await bob.page.waitForFunction(
    () => {
      const img = [...document.querySelectorAll("[data-testid=attachment-image]")].at(-1);
      return img?.complete && img.naturalWidth === 320;
    },
    null,
    { timeout: 15_000 },
  );
  await j.checkPage(bob.page, "a conversation with a thread, reactions, a mention and an image", {
    shot: "room",
  });
});

j.test("a deleted message becomes a tombstone for everyone, and a reload keeps it all", async () => {
  await postMessages(ada, room, ["Sent to the wrong room, sorry"]);
  const wrong = row(ada.page, "Sent to the wrong room");
  await wrong.waitFor({ timeout: 10_000 });
  const id = await wrong.getAttribute("data-id");
  await action(ada.page, wrong, "Delete message");
  await ada.page.getByRole("button", { name: "Delete", exact: true }).click();
  await roomUi.messageById(bob.page, id).locator("[data-testid=tombstone]").waitFor({ timeout: 10_000 });
  await bob.page.reload();
  await roomUi.waitConnected(bob.page);
  await roomUi.messageById(bob.page, id).locator("[data-testid=tombstone]").waitFor({ timeout: 10_000 });
  const edited = row(bob.page, "section 3");
  await edited.locator("[data-testid=edited]").waitFor({ timeout: 10_000 });
  assert.equal(await edited.locator("[data-testid=reaction]").count(), 1, "the reaction is gone after a reload");
  await edited.locator("[data-testid=thread-summary]").filter({ hasText: "1 reply" }).waitFor({ timeout: 5_000 });
  assert.equal(await row(bob.page, "Sent to the wrong room").count(), 0, "the deleted text is still shown");
});

j.test("search finds a message and opens the room at it", async () => {
  const search = bob.page.getByRole("searchbox", { name: "Search messages and files" });
  await search.fill("checklist");
  await search.press("Enter");
  await bob.page.waitForURL(/\/search\?q=checklist/, { timeout: 10_000 });
  const results = bob.page.locator("[data-testid=message-results] li");
  await results.first().waitFor({ timeout: 10_000 });
  assert.equal(await results.count(), 1, "search found the checklist more or less than once");
  assert.equal(await results.first().locator("mark").first().textContent(), "checklist", "no highlighted match");
  await j.checkPage(bob.page, "search results", { shot: "search" });
  await results.first().getByRole("link").first().click();
  await bob.page.waitForURL(new RegExp(`/rooms/${room}`), { timeout: 10_000 });
  const found = row(bob.page, "section 3");
  await found.waitFor({ timeout: 10_000 });
  assert(await roomUi.inView(found), "the room did not open at the message found");
  // Nothing deleted is ever found.
  const { messages } = await bob.api("GET", "/api/search?q=wrong");
  assert.equal(messages.length, 0, "search found a deleted message");
});
