// Rooms: two people chat live; one drops offline and gets every message missed, exactly once; a long room opens at
// its newest message, follows new ones while at the bottom and offers "Jump to latest" when scrolled up, and scrolls
// back to its first message; a link (or the assistant's citation) opens it at an old message, highlighted; a
// mistyped address offers to create the room without opening it; someone typing shows steadily until their message
// arrives; a fast burst arrives in order; unread counts are exact (none for rooms never visited); a 64-character
// name fits a phone; a private room is created by keyboard, refused by name, hidden from others, joined by email,
// and a member who is removed is told so.
import assert from "node:assert/strict";
import { DESKTOP, defineJourney, horizontalOverflow, PHONE } from "../support/journey.mjs";
import { roomsUi, roomUi } from "../support/room-ui.mjs";
import { createRoom, postMessages, roomHistory } from "../support/rooms.mjs";

const j = defineJourney("rooms");
let ada;
let bob;
let historian;
let general;
let history;

/** The scroll position may be this far from its greatest value and still count as "at the bottom". */
const BOTTOM_SLACK = 4;
/** Messages posted to the long room before anyone opens it: more than a screen, and more than three pages. */
const LONG_ROOM = 180;
const QUOKKA = "The quokka moved to the north meadow on Tuesday.";
const QUOKKA_ID = 5;

async function assertAtNewest(page, newest, what) {
  const { top, max, gap } = await roomUi.scroll(page);
  assert(gap <= BOTTOM_SLACK, `${what}: scrollTop ${top} is ${gap}px short of its greatest value ${max}`);
  assert(await roomUi.inView(newest), `${what}: the newest message is not in view`);
}

j.test("two people chat live in one room", async () => {
  ada = await j.signUp("Ada");
  bob = await j.signUp("Bob");
  general = await createRoom(ada, j.unique("general"));
  // A conversation so far, for the screenshots.
  const said = [
    [ada, "Morning! The release notes for 2.4 are drafted: could someone read them before lunch?"],
    [bob, "On it. Anything in particular?"],
    [
      ada,
      "The upgrade steps. I rewrote them as a list:\n\n1. Back up the database\n2. Run the migration\n3. Restart the workers",
    ],
    [bob, "Looks right. Should step 2 mention `--dry-run` first?"],
    [ada, "Good call, adding it."],
    [bob, "Also, the changelog says **Tuesday** but we ship on Wednesday."],
  ];
  for (const [who, text] of said) await postMessages(who, general, [text]);
  for (const { page } of [ada, bob]) await roomUi.open(page, j.base, general);
  await roomUi.send(ada.page, "Fixed. Thanks, Bob!");
  await roomUi.message(bob.page, "Fixed. Thanks, Bob!").waitFor({ timeout: 10_000 });
  await roomUi.message(ada.page, "Fixed. Thanks, Bob!").waitFor({ timeout: 10_000 });
  await roomUi.roster(bob.page).filter({ hasText: "Ada" }).waitFor({ timeout: 10_000 });
  // Read where he reads it: the sidebar does not count the room Bob is looking at as unread (a moment after).
  await roomsUi.sidebarBadge(bob.page, general).first().waitFor({ state: "detached", timeout: 5_000 });
  await j.checkPage(bob.page, "a live room", { shot: "room" });
});

j.test("a browser that drops its connection gets every message it missed, exactly once", async () => {
  await bob.context.setOffline(true);
  // Going offline does not always end an open WebSocket in Chromium: end it, as a dropped network would.
  await bob.page.evaluate(() => window.dispatchEvent(new Event("offline")));
  // The page says so honestly while it is cut off.
  await roomUi.connection(bob.page).filter({ hasText: "Connection lost" }).waitFor({ timeout: 10_000 });
  await j.checkPage(bob.page, "a room while offline", { shot: "offline" });
  const missed = ["while away 1", "while away 2", "while away 3"];
  for (const text of missed) await roomUi.send(ada.page, text);
  await roomUi.message(ada.page, "while away 3").waitFor({ timeout: 10_000 });
  await bob.context.setOffline(false);
  await roomUi.message(bob.page, "while away 3").waitFor({ timeout: 30_000 });
  await roomUi.waitConnected(bob.page, 30_000);
  const stored = await roomHistory(bob, general);
  const { messages, duplicates } = await roomUi.loadedMessages(bob.page);
  assert.deepEqual(duplicates, [], "a message shown twice");
  for (const text of missed) {
    const times = messages.filter((m) => m.text === text).length;
    assert.equal(times, 1, `Bob has "${text}" ${times} times`);
  }
  assert.deepEqual(
    messages.map((m) => m.id),
    stored.map((m) => m.id),
    "Bob's page does not hold the room's messages as stored",
  );
  assert.equal(await roomUi.loaded(bob.page), stored.length, "data-loaded differs from the room's history");
});

j.test("a room with more than a screen of messages opens at the newest, and a message I send shows", async () => {
  historian = await j.signUp("Historian");
  history = await createRoom(historian, j.unique("history"));
  await postMessages(
    historian,
    history,
    Array.from({ length: LONG_ROOM }, (_, i) => (i + 1 === QUOKKA_ID ? QUOKKA : `history ${i + 1}`)),
  );
  const page = ada.page;
  await roomUi.open(page, j.base, history);
  const newest = roomUi.message(page, `history ${LONG_ROOM}`);
  await newest.waitFor({ timeout: 15_000 });
  // Once the rows around it are measured (and again a moment later: it must not drift off).
  await page.waitForTimeout(1_200);
  await assertAtNewest(page, newest, "on opening");
  await page.waitForTimeout(1_000);
  await assertAtNewest(page, newest, "two seconds after opening");
  await roomUi.send(page, "Read up to here");
  const mine = roomUi.message(page, "Read up to here");
  await mine.waitFor({ timeout: 10_000 });
  await page.waitForTimeout(300);
  await assertAtNewest(page, mine, "after sending");
  // Narrowed to a phone's width and widened again (a window resized, a phone turned): still at the newest.
  for (const size of [PHONE, DESKTOP]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(800);
    await assertAtNewest(page, mine, `resized to ${size.width}×${size.height}`);
  }
  await j.checkPage(page, "a long room at its newest message", { shot: "long" });
});

j.test("new messages are followed at the bottom; scrolled up, 'Jump to latest (1 new)' brings them", async () => {
  const page = ada.page;
  await assertAtNewest(page, roomUi.message(page, "Read up to here"), "before anyone else writes");
  assert(!(await roomUi.jumpToLatest(page).isVisible()), "'Jump to latest' shown at the bottom");
  await postMessages(historian, history, ["news while at the bottom"]);
  const followed = roomUi.message(page, "news while at the bottom");
  await followed.waitFor({ timeout: 10_000 });
  await page.waitForTimeout(300);
  await assertAtNewest(page, followed, "a new message while at the bottom");

  await roomUi.wheelUp(page, 800);
  const jump = roomUi.jumpToLatest(page);
  await jump.waitFor({ timeout: 5_000 });
  assert.equal((await jump.textContent())?.trim(), "Jump to latest", "scrolled up with nothing new");
  const before = await roomUi.scroll(page);
  await postMessages(historian, history, ["news while scrolled up"]);
  await jump.filter({ hasText: /^Jump to latest \(1 new\)$/ }).waitFor({ timeout: 10_000 });
  const arrived = roomUi.message(page, "news while scrolled up");
  const after = await roomUi.scroll(page);
  assert(Math.abs(after.top - before.top) <= 2, `the list moved from ${before.top} to ${after.top} by itself`);
  assert(!(await arrived.count()) || !(await roomUi.inView(arrived)), "the new message came into view");
  await j.checkPage(page, "a room scrolled up with a new message below", { shot: "jump" });
  await jump.click();
  await arrived.waitFor({ timeout: 5_000 });
  await page.waitForTimeout(500);
  await assertAtNewest(page, arrived, "after Jump to latest");
  await jump.waitFor({ state: "hidden", timeout: 5_000 });
});

j.test("scrolling to the top loads earlier pages until 'This is the beginning of #room.'", async () => {
  const page = ada.page;
  const stored = await roomHistory(ada, history);
  const counts = new Set([await roomUi.loaded(page)]);
  const beginning = roomUi.beginning(page, history);
  const deadline = Date.now() + 30_000;
  // Up to the top, again and again (each earlier page keeps the rows on screen in place), until the beginning.
  while (!((await beginning.isVisible()) && (await roomUi.inView(beginning)))) {
    assert(Date.now() < deadline, `not at the beginning after 30 s; loaded: ${[...counts].join(" → ")}`);
    await roomUi.list(page).evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.waitForTimeout(250);
    counts.add(await roomUi.loaded(page));
  }
  assert.equal(await roomUi.loaded(page), stored.length, "the list does not hold every message at the beginning");
  assert(counts.size >= 3, `earlier pages loaded: ${[...counts].join(" → ")} (expected at least two pages)`);
  const first = roomUi.list(page).locator("article.message").first();
  assert.equal(await first.getAttribute("data-id"), "1", "the first message shown is not the room's first");
  assert.equal((await first.locator(".message-body").textContent())?.trim(), "history 1");
  assert(await roomUi.inView(first), "the first message is not in view at the beginning");
  await j.checkPage(page, "a room scrolled back to its beginning", { shot: "history" });
});

j.test("a link to an old message opens the room there, highlighted; so does the assistant's citation", async () => {
  const page = ada.page;
  const expectHighlighted = async (id, what) => {
    const target = roomUi.messageById(page, id);
    await target.and(page.locator(".highlight")).waitFor({ timeout: 10_000 });
    assert(await roomUi.inView(target), `${what}: message ${id} is not in view`);
    const focused = await page.evaluate(() => document.activeElement?.id);
    assert.equal(focused, `m${id}`, `${what}: focus is on ${focused}, not the message`);
  };
  // Older than the first page the room shows on opening (the newest 50 of more than 180).
  await roomUi.open(page, j.base, history, "?message=10");
  await expectHighlighted(10, "?message=10");
  assert.equal(await roomUi.list(page).getAttribute("data-detached"), "true", "an old message shown in the latest run");
  await j.checkPage(page, "a room opened at a linked message", { shot: "linked" });
  await roomUi.open(page, j.base, history, "#m30");
  await expectHighlighted(30, "#m30");

  // The assistant cites the room's fifth message; its source link leads there.
  await page.goto(`${j.base}/assistant`);
  await page.getByRole("textbox", { name: "Question" }).fill("Where did the quokka move?");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const turn = page.locator("[data-testid=turn]").last();
  await turn.and(page.locator("[data-state=complete]")).waitFor({ timeout: 30_000 });
  const source = turn
    .locator("[data-testid=source]", { hasText: `#${history}` })
    .getByRole("link")
    .first();
  assert.equal(await source.getAttribute("href"), `/rooms/${history}?message=${QUOKKA_ID}`, "the citation's link");
  await source.click();
  await page.waitForURL(`${j.base}/rooms/${history}?message=${QUOKKA_ID}`, { timeout: 10_000 });
  await expectHighlighted(QUOKKA_ID, "the assistant's citation");
  assert.equal((await roomUi.messageById(page, QUOKKA_ID).locator(".message-body").textContent())?.trim(), QUOKKA);
});

j.test("a mistyped room address offers to create the room, opens no socket, and creating it opens it", async () => {
  const page = bob.page;
  const typo = j.unique("some-typo");
  const sockets = [];
  const onSocket = (ws) => sockets.push(ws.url());
  page.on("websocket", onSocket);
  try {
    await j.expectingConsole(/status of 404/, async () => {
      await page.goto(`${j.base}/rooms/${typo}`);
      const notFound = roomUi.notFound(page);
      await notFound.waitFor({ timeout: 10_000 });
      assert.equal((await notFound.textContent())?.trim(), `There is no room called #${typo}`);
      const publicChoice = page.getByLabel("Public: everyone signed in can find and join it");
      assert(await publicChoice.isChecked(), "Public is not the default");
      await page.getByLabel("Private: only the members you add").waitFor({ timeout: 5_000 });
      await page.getByRole("link", { name: "Back to rooms" }).waitFor({ timeout: 5_000 });
      await page.waitForTimeout(1_500);
      assert.equal(await roomUi.composer(page).count(), 0, "a room that does not exist has a message box");
      assert(!sockets.some((url) => url.includes(typo)), `the page opened ${sockets.join(", ")}`);
      const { rooms } = await bob.api("GET", "/api/rooms");
      assert(!rooms.some((r) => r.name === typo), "visiting the address created the room");
      await bob.api("GET", `/api/rooms/${typo}`, undefined, { expect: [404] });
      await j.checkPage(page, "a room that does not exist", { shot: "not-found" });
    });
    await page.getByRole("button", { name: `Create #${typo}`, exact: true }).click();
    await roomUi.waitConnected(page);
    assert.equal((await roomUi.heading(page).textContent())?.trim(), `#${typo}`);
    await roomUi.composer(page).waitFor({ timeout: 5_000 });
    const { rooms } = await bob.api("GET", "/api/rooms");
    assert.equal(rooms.find((r) => r.name === typo)?.visibility, "public", "the room was not created public");
    await j.checkPage(page, "a room just created from its address");
  } finally {
    page.off("websocket", onSocket);
  }
});

j.test("someone typing without pause shows as typing until their message arrives", async () => {
  await roomUi.open(ada.page, j.base, general);
  await roomUi.open(bob.page, j.base, general);
  const text = "I am typing a long message, one key at a time";
  // Ada's page looks at the indicator every 200 ms while Bob types a key every 150 ms or so.
  const sampling = ada.page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        const el = document.querySelector("[data-testid=typing]");
        const samples = [];
        const timer = setInterval(() => samples.push(el?.textContent ?? ""), 200);
        setTimeout(() => {
          clearInterval(timer);
          resolve(samples);
        }, ms);
      }),
    6_000,
  );
  const box = roomUi.composer(bob.page);
  await box.click();
  const started = Date.now();
  for (const key of text) {
    if (Date.now() - started > 6_500) break;
    await bob.page.keyboard.type(key);
    await bob.page.waitForTimeout(150);
  }
  const samples = await sampling;
  const first = samples.findIndex((s) => s.includes("Bob is typing"));
  assert(first >= 0 && first <= 5, `"Bob is typing…" first seen at sample ${first}: ${samples.join(" | ")}`);
  const after = samples.slice(first);
  const shown = after.filter((s) => s.includes("Bob is typing")).length;
  assert(
    shown / after.length >= 0.9,
    `"Bob is typing…" in ${shown} of ${after.length} samples after it appeared: ${after.join(" | ")}`,
  );

  // Bob sends it: the indicator goes within a second of the message arriving.
  const typed = (await box.inputValue()).trim();
  const watching = ada.page.evaluate(
    (message) =>
      new Promise((resolve) => {
        const start = performance.now();
        let arrived = null;
        const timer = setInterval(() => {
          const bodies = [...document.querySelectorAll("[data-testid=messages] article.message:not(.pending)")];
          if (arrived === null && bodies.some((a) => a.querySelector(".message-body")?.textContent?.trim() === message))
            arrived = performance.now();
          const typing = document.querySelector("[data-testid=typing]")?.textContent ?? "";
          if (arrived !== null && !typing.trim()) {
            clearInterval(timer);
            resolve({ arrived: arrived - start, gone: performance.now() - start });
          } else if (performance.now() - start > 10_000) {
            clearInterval(timer);
            resolve({ arrived: arrived === null ? null : arrived - start, gone: null, typing });
          }
        }, 20);
      }),
    typed,
  );
  await box.press("Enter");
  const seen = await watching;
  assert(seen.arrived !== null, `Bob's message did not reach Ada: ${JSON.stringify(seen)}`);
  assert(seen.gone !== null, `the indicator stayed after the message: "${seen.typing}"`);
  assert(seen.gone - seen.arrived <= 1_000, `the indicator went ${Math.round(seen.gone - seen.arrived)} ms late`);
});

j.test("60 messages sent at once arrive in the other browser in the order they were sent", async () => {
  const room = await createRoom(ada, j.unique("burst"));
  await roomUi.open(ada.page, j.base, room);
  await roomUi.open(bob.page, j.base, room);
  const texts = Array.from({ length: 60 }, (_, i) => `burst ${String(i + 1).padStart(2, "0")}`);
  const tooFast = ada.page
    .locator("[data-testid=sending-too-fast]")
    .waitFor({ timeout: 10_000 })
    .then(
      () => true,
      () => false,
    );
  // Faster than fingers: each text put in the box and Enter pressed, all 60 in one go (more than the 30 a user
  // may send at once: the page says it waits for the allowance, sends the rest in order, and the notice goes).
  await roomUi.composer(ada.page).click();
  await ada.page.evaluate((all) => {
    const box = document.activeElement;
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    for (const text of all) {
      setValue.call(box, text);
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", code: "Enter", bubbles: true, cancelable: true }));
    }
  }, texts);
  assert(await tooFast, "the page did not say it is sending too fast");
  await roomUi.message(bob.page, texts.at(-1)).waitFor({ timeout: 30_000 });
  await roomUi.pending(ada.page).first().waitFor({ state: "detached", timeout: 30_000 });
  await ada.page.locator("[data-testid=sending-too-fast]").waitFor({ state: "detached", timeout: 10_000 });
  const stored = (await roomHistory(ada, room)).map((m) => m.text);
  assert.deepEqual(stored, texts, "the room stored them out of order");
  for (const [who, page] of [
    ["Bob", bob.page],
    ["Ada", ada.page],
  ]) {
    const { messages, duplicates } = await roomUi.loadedMessages(page);
    assert.deepEqual(duplicates, [], `${who}'s page shows a message twice`);
    assert.deepEqual(
      messages.map((m) => m.text),
      texts,
      `${who}'s page has them out of order`,
    );
    assert.equal(await roomUi.loaded(page), texts.length, `${who}'s page holds ${await roomUi.loaded(page)}`);
  }
});

j.test("a new user sees no unread counts; once they have visited, the exact count until they read it", async () => {
  const cy = await j.signUp("Cy");
  const page = cy.page;
  await page.goto(`${j.base}/rooms`);
  for (const room of [general, history]) await roomsUi.link(page, room).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator("#main [data-testid=unread]").count(), 0, "a new user has unread messages");
  assert.equal(await page.locator("nav[aria-label=Main] .badge").count(), 0, "the sidebar counts unread messages");
  const { rooms } = await cy.api("GET", "/api/rooms");
  assert(
    rooms.every((r) => r.unread === 0),
    `unread: ${rooms.map((r) => `${r.name} ${r.unread}`).join(", ")}`,
  );
  await j.checkPage(page, "the rooms list of a new user", { shot: "list-new-user" });

  // Cy looks into #general and leaves; then writes there from another device (not news to Cy), and Ada writes
  // three messages.
  await roomsUi.link(page, general).click();
  await roomUi.waitConnected(page);
  await page.goto(`${j.base}/rooms`);
  await roomsUi.link(page, general).waitFor({ timeout: 10_000 });
  await postMessages(cy, general, ["Cy, from a phone"]);
  await postMessages(ada, general, ["Unread one", "Unread two", "Unread three"]);
  await page.reload();
  const unread = roomsUi.unread(page, general);
  await unread.waitFor({ timeout: 10_000 });
  assert.equal((await unread.textContent())?.trim(), "· 3 unread");
  const badge = roomsUi.sidebarBadge(page, general).filter({ visible: true });
  await badge.waitFor({ timeout: 10_000 });
  assert.equal((await badge.textContent())?.trim(), "3 unread", "the sidebar's count");
  await j.checkPage(page, "the rooms list with an unread count", { shot: "list" });

  // Reading them: the "New messages" line stands above the first (not above Cy's own), and the counts go.
  await roomsUi.link(page, general).click();
  await roomUi.message(page, "Unread three").waitFor({ timeout: 10_000 });
  const divider = roomUi.list(page).locator("li", { has: roomUi.newMessagesDivider(page) });
  await divider.locator("article.message .message-body", { hasText: "Unread one" }).waitFor({ timeout: 5_000 });
  assert.equal(await roomUi.newMessagesDivider(page).count(), 1, "more than one 'New messages' line");
  await j.checkPage(page, "a room opened with unread messages", { shot: "unread" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rooms: now } = await cy.api("GET", "/api/rooms");
    if (now.find((r) => r.name === general)?.unread === 0) break;
    assert(Date.now() < deadline, "the server still counts them unread after reading");
    await page.waitForTimeout(250);
  }
  await page.goto(`${j.base}/rooms`);
  await roomsUi.link(page, general).waitFor({ timeout: 10_000 });
  assert.equal(await roomsUi.unread(page, general).count(), 0, "still unread after reading the room");
  assert.equal(await roomsUi.sidebarBadge(page, general).count(), 0, "the sidebar still counts them");
});

j.test("a room with a 64-character name fits a 390 px phone", async () => {
  const name = `${j.unique("long")}-a-room-name-long-enough-to-fill-the-whole-header-of-a-phone-screen`.slice(0, 64);
  assert.equal(name.length, 64);
  const room = await createRoom(ada, name, { visibility: "private" });
  await postMessages(ada, room, ["A room whose name is as long as names may be."]);
  const page = ada.page;
  await page.setViewportSize(PHONE);
  try {
    await roomUi.open(page, j.base, room);
    await page.getByRole("button", { name: "Members" }).waitFor({ timeout: 5_000 });
    const overflow = await horizontalOverflow(page);
    assert(overflow <= 0, `the room is ${overflow}px wider than a 390px phone`);
    const header = await page.locator(".room-header").evaluate((header) => {
      const h1 = header.querySelector("h1");
      const box = header.getBoundingClientRect();
      const title = h1.getBoundingClientRect();
      return {
        truncated: h1.scrollWidth > h1.clientWidth,
        inside: title.left >= box.left - 0.5 && title.right <= box.right + 0.5,
        fits: box.right <= window.innerWidth,
        ellipsis: getComputedStyle(h1).textOverflow,
      };
    });
    assert(header.truncated, "the long name is not cut short");
    assert(header.inside && header.fits, `the name overflows the header: ${JSON.stringify(header)}`);
    assert.equal(header.ellipsis, "ellipsis");
    for (const control of [
      page.getByRole("button", { name: "Members" }),
      page.locator(".room-title .badge.private"),
      roomUi.sendButton(page),
    ]) {
      const box = await control.boundingBox();
      assert(box && box.x >= 0 && box.x + box.width <= PHONE.width, `${control} is off the screen`);
    }
    await j.checkPage(page, "a room with a 64-character name", { shot: "long-name" });

    // Bob is not a member: for him the address leads to the page for a room that does not exist, which fits too.
    await bob.page.setViewportSize(PHONE);
    await j.expectingConsole(/status of 404/, async () => {
      await bob.page.goto(`${j.base}/rooms/${room}`);
      await roomUi.notFound(bob.page).waitFor({ timeout: 10_000 });
      const wider = await horizontalOverflow(bob.page);
      assert(wider <= 0, `the not-found page is ${wider}px wider than a 390px phone`);
      await j.checkPage(bob.page, "the not-found page of a 64-character name");
    });
  } finally {
    await page.setViewportSize(DESKTOP);
    await bob.page.setViewportSize(DESKTOP);
  }
});

j.test(
  "private rooms: created private, hidden from others, members added by email, a removed member is told",
  async () => {
    const room = j.unique("plans");
    const member = (name) => roomUi.member(ada.page, name);

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
    assert.equal(await roomUi.members(ada.page).locator("li").count(), 1, "a new private room has more than its owner");

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
    await roomsUi.item(ada.page, room).getByText("private", { exact: true }).waitFor({ timeout: 10_000 });
    await bob.page.goto(`${j.base}/rooms`);
    await roomsUi.link(bob.page, general).waitFor({ timeout: 10_000 });
    assert.equal(await roomsUi.link(bob.page, room).count(), 0, "Bob's list shows Ada's private room");
    assert.equal(await roomsUi.sidebarLink(bob.page, room).count(), 0, "Bob's sidebar shows Ada's private room");

    // Bob opens it by its address: the same page as for a room that does not exist, and no socket is even tried;
    // offered to create it, he is told it exists and is private.
    const sockets = [];
    const onSocket = (ws) => sockets.push(ws.url());
    bob.page.on("websocket", onSocket);
    try {
      await j.expectingConsole(/status of (404|409)/, async () => {
        await bob.page.goto(`${j.base}/rooms/${room}`);
        await roomUi
          .notFound(bob.page)
          .filter({ hasText: `#${room}` })
          .waitFor({ timeout: 10_000 });
        await bob.page.waitForTimeout(1_500);
        assert.equal(await roomUi.composer(bob.page).count(), 0, "a non-member gets a message box");
        assert(!sockets.some((url) => url.includes(room)), `a non-member's page opened ${sockets.join(", ")}`);
        await j.checkPage(bob.page, "a private room seen by a non-member", { shot: "private-refused" });
        await bob.page.getByRole("button", { name: `Create #${room}`, exact: true }).click();
        const refusal = bob.page.locator("[data-testid=create-room-error]");
        await refusal.waitFor({ timeout: 10_000 });
        assert.match((await refusal.textContent()) ?? "", /already exists, but it is private/);
        assert.equal(await roomUi.composer(bob.page).count(), 0, "a refused creation opened the room");
        assert(!sockets.some((url) => url.includes(room)), `a non-member's page opened ${sockets.join(", ")}`);

        // Ada adds a stranger (a sentence, nothing added), then Bob by his email.
        await ada.page.goto(`${j.base}/rooms/${room}`);
        const emailInput = ada.page.getByLabel("Add member by email");
        await emailInput.fill(`nobody-${Date.now()}@example.com`);
        await emailInput.press("Enter");
        const notAdded = ada.page.locator("[data-testid=members-result][role=alert]");
        await notAdded.waitFor({ timeout: 10_000 });
        assert.match((await notAdded.textContent()) ?? "", /No one has an Outpost account/, "user-not-found unclear");
      });
    } finally {
      bob.page.off("websocket", onSocket);
    }
    await ada.page.getByLabel("Add member by email").fill(bob.email);
    await ada.page.getByRole("button", { name: "Add member" }).click();
    await member("Bob").waitFor({ timeout: 10_000 });
    await ada.page.getByText("Added Bob.").waitFor({ timeout: 10_000 });
    assert.equal(await ada.page.getByLabel("Add member by email").inputValue(), "", "the email field was kept");

    // Bob reloads: now a member, he chats; Ada sees it live. Bob sees a Leave button, not Remove buttons.
    await bob.page.reload();
    await roomUi.waitConnected(bob.page);
    await bob.page.getByRole("button", { name: "Leave room" }).waitFor({ timeout: 10_000 });
    assert.equal(await bob.page.getByRole("button", { name: /^Remove / }).count(), 0, "a member can remove others");
    await roomUi.send(bob.page, "Bob in the private room");
    await roomUi.message(ada.page, "Bob in the private room").waitFor({ timeout: 10_000 });
    await j.checkPage(bob.page, "a private room seen by a member");
    await j.checkPage(ada.page, "a private room seen by its owner", { shot: "private-members" });

    // At a phone's width the members are behind a "Members" button (a dialog), with nothing wider than the screen.
    await ada.page.setViewportSize(PHONE);
    try {
      await roomUi.members(ada.page).waitFor({ state: "hidden", timeout: 5_000 });
      const button = ada.page.getByRole("button", { name: "Members" });
      await button.click();
      const dialog = ada.page.locator("dialog.members-dialog[open]");
      await dialog.locator('li[data-member="Bob"]').waitFor({ timeout: 5_000 });
      const overflow = await horizontalOverflow(ada.page);
      assert(overflow <= 0, `/rooms/${room} is ${overflow}px wider than a 390px phone`);
      // The dialog exists only at this width: checked here, in both colour schemes.
      await j.checkA11y(ada.page, "the members dialog on a phone (light)");
      await ada.page.emulateMedia({ colorScheme: "dark" });
      await j.checkA11y(ada.page, "the members dialog on a phone (dark)");
      await ada.page.emulateMedia({ colorScheme: "light" });
      await dialog.screenshot({ path: j.shotPath("members-dialog", "phone") });
      await dialog.getByRole("button", { name: "Close" }).click();
      await dialog.waitFor({ state: "detached", timeout: 5_000 });
    } finally {
      await ada.page.emulateMedia({ colorScheme: "light" });
      await ada.page.setViewportSize(DESKTOP);
    }

    // Ada removes Bob: his open page says so and stops (no reconnecting), and he is off the list.
    await member("Bob").getByRole("button", { name: "Remove Bob" }).click();
    await bob.page.getByText("You were removed from this room.").waitFor({ timeout: 10_000 });
    await member("Bob").waitFor({ state: "detached", timeout: 10_000 });
    await bob.page.waitForTimeout(2_000);
    const state = await roomUi.connection(bob.page).textContent();
    assert(!/reconnect/i.test(state ?? ""), `a removed member's page says: ${state}`);
    assert.equal(await roomUi.composer(bob.page).count(), 0, "a removed member keeps a message box");
    await j.checkPage(bob.page, "a private room after being removed", { shot: "removed" });
  },
);
