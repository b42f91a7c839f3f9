// The rooms list counts unread messages until they are seen, and every page fits a 390px phone screen.
import { assert } from "../lib.mjs";

export async function unreadAndPhone(h) {
  const { base, users, check, shot } = h;
  const { ada, bob } = users;

  await check("rooms list unread counts; every page fits a phone's width", async () => {
    // Bob last saw #e2e before Ada's message about the launch: one unread.
    await bob.page.goto(`${base}/rooms`);
    const e2eRoom = bob.page.locator("li", { has: bob.page.getByRole("link", { name: "#e2e", exact: true }) });
    await e2eRoom.locator("[data-testid=unread]", { hasText: "1 unread" }).waitFor({ timeout: 10_000 });
    await bob.page.goto(`${base}/rooms/e2e`);
    await bob.page.locator(".message", { hasText: "We decided" }).waitFor({ timeout: 10_000 });
    await bob.page.goto(`${base}/rooms`);
    await bob.page.getByRole("link", { name: "#e2e", exact: true }).waitFor({ timeout: 10_000 });
    assert((await e2eRoom.locator("[data-testid=unread]").count()) === 0, "still unread after reading the room");

    const page = ada.page;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const ready = {
        "/rooms": "li.card",
        "/rooms/e2e": ".message",
        "/files": "[data-testid=file]",
        "/assistant": "h1",
        "/settings": "[data-testid=upload-stats]",
        "/admin": 'form[aria-label="Edit flag"]',
      };
      for (const [route, selector] of Object.entries(ready)) {
        await page.goto(`${base}${route}`);
        await page.locator(selector).first().waitFor({ timeout: 10_000 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 1, `${route} is ${overflow}px wider than a 390px phone`);
        if (route === "/files") await page.screenshot({ path: shot("files-phone.png"), fullPage: true });
      }
    } finally {
      await page.setViewportSize({ width: 1100, height: 800 });
    }
  });
}
