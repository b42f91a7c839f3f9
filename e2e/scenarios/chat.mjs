// Registering two users (Ada and Bob, used by every later scenario), chatting live, and catching up after a drop.
import { assert } from "../lib.mjs";

export async function chat(h) {
  const { base, users, check, newUser, shot } = h;
  const messagesIn = (page) => page.locator("[data-testid=messages] .message").allTextContents();

  await check("register and land on the rooms page", async () => {
    users.ada = await newUser("Ada");
    users.bob = await newUser("Bob");
    await users.ada.page.screenshot({ path: shot("rooms.png") });
    assert(await users.ada.page.locator("h1", { hasText: "Rooms" }).isVisible(), "no Rooms heading");
  });

  await check("two browsers chat live in one room", async () => {
    const { ada, bob } = users;
    for (const { page } of [ada, bob]) {
      await page.goto(`${base}/rooms/e2e`);
      await page.locator("[data-testid=connection-state]", { hasText: "Connected" }).waitFor({ timeout: 15_000 });
    }
    await ada.page.fill("input[name=text]", "Hello Bob");
    await ada.page.press("input[name=text]", "Enter");
    await bob.page.locator(".message", { hasText: "Hello Bob" }).waitFor({ timeout: 10_000 });
    await bob.page.locator("[data-testid=roster]", { hasText: "Ada" }).waitFor({ timeout: 10_000 });
    await bob.page.screenshot({ path: shot("room.png") });
  });

  await check("a browser that drops its connection gets every message it missed", async () => {
    const { ada, bob } = users;
    await bob.context.setOffline(true);
    // Going offline does not always end an open WebSocket in Chromium: end it, as a dropped network would.
    await bob.page.evaluate(() => window.dispatchEvent(new Event("offline")));
    // The page says so honestly while it is cut off.
    await bob.page
      .locator("[data-testid=connection-state]", { hasText: "Connection lost" })
      .waitFor({ timeout: 10_000 });
    await bob.page.screenshot({ path: shot("room-offline.png") });
    for (const text of ["while away 1", "while away 2", "while away 3"]) {
      await ada.page.fill("input[name=text]", text);
      await ada.page.press("input[name=text]", "Enter");
    }
    await ada.page.locator(".message", { hasText: "while away 3" }).waitFor({ timeout: 10_000 });
    await bob.context.setOffline(false);
    await bob.page.locator(".message", { hasText: "while away 3" }).waitFor({ timeout: 30_000 });
    const texts = await messagesIn(bob.page);
    for (const text of ["while away 1", "while away 2", "while away 3"]) {
      assert(
        texts.filter((t) => t.includes(text)).length === 1,
        `Bob has "${text}" ${texts.filter((t) => t.includes(text)).length} times`,
      );
    }
    await bob.page.locator("[data-testid=connection-state]", { hasText: "Connected" }).waitFor({ timeout: 30_000 });
  });
}
