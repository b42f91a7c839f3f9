// Rooms: two people chat live; one drops offline and gets every message missed, exactly once; a long history
// scrolls back to its first message; the rooms list counts unread messages until they are read; a private room is
// created by keyboard, refused by name twice, hidden from others, joined by email, fits a phone, and a member who
// is removed is told so.
import assert from "node:assert/strict";
import { defineJourney, horizontalOverflow, PHONE } from "../support/journey.mjs";
import { createRoom, postMessages } from "../support/rooms.mjs";
import { roomsUi, roomUi } from "../support/ui.mjs";

const j = defineJourney("rooms");
let ada;
let bob;
let general;

j.test("two browsers chat live in one room", async () => {
  ada = await j.signUp("Ada");
  bob = await j.signUp("Bob");
  general = await createRoom(ada, j.unique("general"));
  for (const { page } of [ada, bob]) await roomUi.open(page, j.base, general);
  await roomUi.send(ada.page, "Hello Bob");
  await roomUi.message(bob.page, "Hello Bob").waitFor({ timeout: 10_000 });
  await roomUi.roster(bob.page).filter({ hasText: "Ada" }).waitFor({ timeout: 10_000 });
  await j.checkPage(bob.page, "a live room", { shot: "chat" });
});

j.test("a browser that drops its connection gets every message it missed", async () => {
  await bob.context.setOffline(true);
  // Going offline does not always end an open WebSocket in Chromium: end it, as a dropped network would.
  await bob.page.evaluate(() => window.dispatchEvent(new Event("offline")));
  // The page says so honestly while it is cut off.
  await roomUi.connection(bob.page).filter({ hasText: "Connection lost" }).waitFor({ timeout: 10_000 });
  await j.checkPage(bob.page, "a room while offline", { shot: "offline" });
  for (const text of ["while away 1", "while away 2", "while away 3"]) await roomUi.send(ada.page, text);
  await roomUi.message(ada.page, "while away 3").waitFor({ timeout: 10_000 });
  await bob.context.setOffline(false);
  await roomUi.message(bob.page, "while away 3").waitFor({ timeout: 30_000 });
  const texts = await roomUi.messages(bob.page).allTextContents();
  for (const text of ["while away 1", "while away 2", "while away 3"]) {
    const times = texts.filter((t) => t.includes(text)).length;
    assert(times === 1, `Bob has "${text}" ${times} times`);
  }
  await roomUi.waitConnected(bob.page, 30_000);
});

j.test("history scrolls back to the first message", async () => {
  // 55 messages through the API (a bearer session's socket), more than the 50 a room shows on joining.
  const historian = await j.signUp("Historian");
  const room = await createRoom(historian, j.unique("history"));
  await postMessages(
    historian,
    room,
    Array.from({ length: 55 }, (_, i) => `history ${i + 1}`),
  );
  const page = bob.page;
  await page.goto(`${j.base}/rooms/${room}`);
  await roomUi.message(page, "history 55").waitFor({ timeout: 15_000 });
  assert(!(await roomUi.message(page, /history 1$/).count()), "the first message was shown before scrolling back");
  await page.getByRole("button", { name: "Load earlier messages" }).click();
  await roomUi.message(page, /history 1$/).waitFor({ timeout: 10_000 });
  await page.getByText(`This is the beginning of #${room}.`).waitFor({ timeout: 10_000 });
  const count = await roomUi.messages(page).count();
  assert(count === 55, `${count} messages shown after scrolling back, expected 55`);
  await j.checkPage(page, "a room scrolled back to its beginning", { shot: "history" });
});

j.test("the rooms list counts unread messages until they are read", async () => {
  // Bob is in another room; Ada writes one message in the first.
  await roomUi.send(ada.page, "Unread until Bob opens the room");
  await roomUi.message(ada.page, "Unread until Bob opens the room").waitFor({ timeout: 10_000 });
  await bob.page.goto(`${j.base}/rooms`);
  const item = roomsUi.item(bob.page, general);
  await item.locator("[data-testid=unread]", { hasText: "1 unread" }).waitFor({ timeout: 10_000 });
  await j.checkPage(bob.page, "the rooms list with an unread count", { shot: "list" });
  await bob.page.goto(`${j.base}/rooms/${general}`);
  await roomUi.message(bob.page, "Unread until Bob opens the room").waitFor({ timeout: 10_000 });
  await bob.page.goto(`${j.base}/rooms`);
  await roomsUi.link(bob.page, general).waitFor({ timeout: 10_000 });
  assert((await item.locator("[data-testid=unread]").count()) === 0, "still unread after reading the room");
});

j.test(
  "private rooms: created private, hidden from others, members added by email, a removed member is told",
  async () => {
    const room = j.unique("plans");
    const members = ada.page.locator("[data-testid=members]");
    const member = (name) => members.locator(`li[data-member="${name}"]`);

    // Ada creates the room from the rooms page, by keyboard: name, Tab to "Private", Space, Enter.
    await ada.page.goto(`${j.base}/rooms`);
    const nameInput = ada.page.getByLabel("Name", { exact: true });
    await nameInput.fill(room);
    await nameInput.press("Tab");
    const privateBox = ada.page.getByLabel("Private", { exact: true });
    assert(await privateBox.evaluate((el) => el === document.activeElement), "Tab does not reach Private");
    await privateBox.press("Space");
    assert(await privateBox.isChecked(), "Space did not check Private");
    await j.checkPage(ada.page, "the rooms list, creating a private room");
    await ada.page.getByRole("button", { name: "Create", exact: true }).click();
    await ada.page.waitForURL(`${j.base}/rooms/${room}`, { timeout: 10_000 });
    await roomUi.waitConnected(ada.page);
    await member("Ada").getByText("owner", { exact: true }).waitFor({ timeout: 10_000 });
    assert((await members.locator("li").count()) === 1, "a new private room has more than its owner");

    // The same name again: a 409 told as a sentence next to the form.
    await j.expectingConsole(/status of 409/, async () => {
      await ada.page.goto(`${j.base}/rooms`);
      await ada.page.getByLabel("Name", { exact: true }).fill(room);
      await ada.page.getByRole("button", { name: "Create", exact: true }).click();
      const refusal = await ada.page.locator("[data-testid=create-room-error]").textContent({ timeout: 10_000 });
      assert(refusal?.includes(`#${room} already exists`), `409 shown as: ${refusal}`);
      await j.checkPage(ada.page, "the rooms list with a refused name");
    });
    // Ada's list marks it private, in words; Bob's list does not show it at all.
    const listed = ada.page.locator(`li[data-room="${room}"]`);
    await listed.getByText("private", { exact: true }).waitFor({ timeout: 10_000 });
    await bob.page.goto(`${j.base}/rooms`);
    await roomsUi.link(bob.page, general).waitFor({ timeout: 10_000 });
    assert(
      (await bob.page.getByRole("link", { name: `#${room}` }).count()) === 0,
      "Bob's list shows Ada's private room",
    );

    // Bob opens it by its address: told it is private, and no socket is even tried.
    const sockets = [];
    const onSocket = (ws) => sockets.push(ws.url());
    bob.page.on("websocket", onSocket);
    try {
      await j.expectingConsole(/status of 404/, async () => {
        await bob.page.goto(`${j.base}/rooms/${room}`);
        await bob.page
          .getByText("This room is private. Ask a member to add you.", { exact: true })
          .waitFor({ timeout: 10_000 });
        await bob.page.waitForTimeout(1_500);
        assert((await roomUi.composer(bob.page).count()) === 0, "a non-member gets a message box");
        assert(!sockets.some((url) => url.includes(room)), `a non-member's page opened ${sockets.join(", ")}`);
        await j.checkPage(bob.page, "a private room seen by a non-member", { shot: "private-refused" });

        // Ada adds a stranger (a sentence, nothing added), then Bob by his email.
        await ada.page.goto(`${j.base}/rooms/${room}`);
        const emailInput = ada.page.getByLabel("Add member by email");
        await emailInput.fill(`nobody-${Date.now()}@example.com`);
        await emailInput.press("Enter");
        const refusal = ada.page.locator("[data-testid=members-result][role=alert]");
        await refusal.waitFor({ timeout: 10_000 });
        assert(/No one has an Outpost account/.test((await refusal.textContent()) ?? ""), "user-not-found unclear");
      });
    } finally {
      bob.page.off("websocket", onSocket);
    }
    await ada.page.getByLabel("Add member by email").fill(bob.email);
    await ada.page.getByRole("button", { name: "Add member" }).click();
    await member("Bob").waitFor({ timeout: 10_000 });
    await ada.page.getByText("Added Bob.").waitFor({ timeout: 10_000 });
    assert((await ada.page.getByLabel("Add member by email").inputValue()) === "", "the email field was kept");

    // Bob reloads: now a member, he chats; Ada sees it live. Bob sees a Leave button, not Remove buttons.
    await bob.page.reload();
    await roomUi.waitConnected(bob.page);
    await bob.page.getByRole("button", { name: "Leave room" }).waitFor({ timeout: 10_000 });
    assert((await bob.page.getByRole("button", { name: /^Remove / }).count()) === 0, "a member can remove others");
    await roomUi.send(bob.page, "Bob in the private room");
    await roomUi.message(ada.page, "Bob in the private room").waitFor({ timeout: 10_000 });
    await j.checkPage(bob.page, "a private room seen by a member");
    await j.checkPage(ada.page, "a private room seen by its owner", { shot: "private-members" });

    // At a phone's width the members panel goes under the messages, with nothing wider than the screen.
    const desktop = ada.page.viewportSize();
    await ada.page.setViewportSize(PHONE);
    try {
      await member("Bob").waitFor({ timeout: 5_000 });
      const overflow = await horizontalOverflow(ada.page);
      assert(overflow <= 1, `/rooms/${room} is ${overflow}px wider than a 390px phone`);
    } finally {
      await ada.page.setViewportSize(desktop);
    }

    // Ada removes Bob: his open page says so and stops (no reconnecting), and he is off the list.
    await member("Bob").getByRole("button", { name: "Remove Bob" }).click();
    await bob.page.getByText("You were removed from this room.").waitFor({ timeout: 10_000 });
    await member("Bob").waitFor({ state: "detached", timeout: 10_000 });
    await bob.page.waitForTimeout(2_000);
    const state = await roomUi.connection(bob.page).textContent();
    assert(!/reconnect/i.test(state ?? ""), `a removed member's page says: ${state}`);
    assert((await roomUi.composer(bob.page).count()) === 0, "a removed member keeps a message box");
    await j.checkPage(bob.page, "a private room after being removed", { shot: "removed" });
  },
);
