// Private rooms: created by keyboard, refused by name twice, hidden from others, members added by email; a member
// chats, fits a phone, and is told when removed.
import { assert } from "../lib.mjs";

export async function privateRooms(h) {
  const { base, users, check, expectingConsole, shot } = h;
  const { ada, bob } = users;

  await check(
    "private rooms: created private, hidden from others, members added by email, a removed member is told",
    async () => {
      const room = "e2e-private";
      const members = ada.page.locator("[data-testid=members]");
      const member = (name) => members.locator(`li[data-member="${name}"]`);

      // Ada creates the room from the rooms page, by keyboard: name, Tab to "Private", Space, Enter.
      await ada.page.goto(`${base}/rooms`);
      const nameInput = ada.page.getByLabel("Name", { exact: true });
      await nameInput.fill(room);
      await nameInput.press("Tab");
      const privateBox = ada.page.getByLabel("Private", { exact: true });
      assert(await privateBox.evaluate((el) => el === document.activeElement), "Tab does not reach Private");
      await privateBox.press("Space");
      assert(await privateBox.isChecked(), "Space did not check Private");
      await ada.page.getByRole("button", { name: "Create", exact: true }).click();
      await ada.page.waitForURL(`${base}/rooms/${room}`, { timeout: 10_000 });
      await ada.page.locator("[data-testid=connection-state]", { hasText: "Connected" }).waitFor({ timeout: 15_000 });
      await member("Ada").getByText("owner", { exact: true }).waitFor({ timeout: 10_000 });
      assert((await members.locator("li").count()) === 1, "a new private room has more than its owner");

      // The same name again: a 409 told as a sentence next to the form.
      await expectingConsole(/status of 409/, async () => {
        await ada.page.goto(`${base}/rooms`);
        await ada.page.getByLabel("Name", { exact: true }).fill(room);
        await ada.page.getByRole("button", { name: "Create", exact: true }).click();
        const refusal = await ada.page.locator("[data-testid=create-room-error]").textContent({ timeout: 10_000 });
        assert(refusal?.includes(`#${room} already exists`), `409 shown as: ${refusal}`);
      });
      // Ada's list marks it private, in words; Bob's list does not show it at all.
      const listed = ada.page.locator(`li[data-room="${room}"]`);
      await listed.getByText("private", { exact: true }).waitFor({ timeout: 10_000 });
      await bob.page.goto(`${base}/rooms`);
      await bob.page.getByRole("link", { name: "#e2e", exact: true }).waitFor({ timeout: 10_000 });
      assert(
        (await bob.page.getByRole("link", { name: `#${room}` }).count()) === 0,
        "Bob's list shows Ada's private room",
      );

      // Bob opens it by its address: told it is private, and no socket is even tried.
      const sockets = [];
      const onSocket = (ws) => sockets.push(ws.url());
      bob.page.on("websocket", onSocket);
      try {
        await expectingConsole(/status of 404/, async () => {
          await bob.page.goto(`${base}/rooms/${room}`);
          await bob.page
            .getByText("This room is private. Ask a member to add you.", { exact: true })
            .waitFor({ timeout: 10_000 });
          await bob.page.waitForTimeout(1_500);
          assert((await bob.page.locator("input[name=text]").count()) === 0, "a non-member gets a message box");
          assert(!sockets.some((url) => url.includes(room)), `a non-member's page opened ${sockets.join(", ")}`);

          // Ada adds a stranger (a sentence, nothing added), then Bob by his email.
          await ada.page.goto(`${base}/rooms/${room}`);
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
      await bob.page.locator("[data-testid=connection-state]", { hasText: "Connected" }).waitFor({ timeout: 15_000 });
      await bob.page.getByRole("button", { name: "Leave room" }).waitFor({ timeout: 10_000 });
      assert((await bob.page.getByRole("button", { name: /^Remove / }).count()) === 0, "a member can remove others");
      await bob.page.fill("input[name=text]", "Bob in the private room");
      await bob.page.press("input[name=text]", "Enter");
      await ada.page.locator(".message", { hasText: "Bob in the private room" }).waitFor({ timeout: 10_000 });
      await ada.page.screenshot({ path: shot("room-members.png") });

      // At a phone's width the members panel goes under the messages, with nothing wider than the screen.
      await ada.page.setViewportSize({ width: 390, height: 844 });
      try {
        await member("Bob").waitFor({ timeout: 5_000 });
        const overflow = await ada.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 1, `/rooms/${room} is ${overflow}px wider than a 390px phone`);
      } finally {
        await ada.page.setViewportSize({ width: 1100, height: 800 });
      }

      // Ada removes Bob: his open page says so and stops (no reconnecting), and he is off the list.
      await member("Bob").getByRole("button", { name: "Remove Bob" }).click();
      await bob.page.getByText("You were removed from this room.").waitFor({ timeout: 10_000 });
      await member("Bob").waitFor({ state: "detached", timeout: 10_000 });
      await bob.page.waitForTimeout(2_000);
      const state = await bob.page.locator("[data-testid=connection-state]").textContent();
      assert(!/reconnect/i.test(state ?? ""), `a removed member's page says: ${state}`);
      assert((await bob.page.locator("input[name=text]").count()) === 0, "a removed member keeps a message box");
    },
  );
}
