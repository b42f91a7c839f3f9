// Room history: 55 messages sent over a bearer-authenticated socket, then scrolled back to the first in the browser.
import { assert } from "../lib.mjs";

export async function history(h) {
  const { base, users, check } = h;
  const { bob } = users;

  await check("history scrolls back to the first message", async () => {
    // 55 messages through the API (a bearer session of Ada's), more than the 50 a room shows on joining.
    const email = `history-${Date.now()}@example.com`;
    const headers = { "Content-Type": "application/json" };
    await fetch(`${base}/api/auth/register`, {
      method: "POST",
      headers: { ...headers, Origin: base },
      body: JSON.stringify({ email, password: "a long passphrase for e2e", displayName: "Historian" }),
    });
    const { token } = await (
      await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers,
        body: JSON.stringify({ email, password: "a long passphrase for e2e", transport: "bearer" }),
      })
    ).json();
    const ws = new WebSocket(`${base.replace("http", "ws")}/api/rooms/e2e-history/ws`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    let acked = 0;
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${acked} of 55 acknowledged`)), 30_000);
      ws.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        if (frame.type === "welcome") {
          for (let i = 1; i <= 25; i++)
            ws.send(JSON.stringify({ type: "message", text: `history ${i}`, clientMessageId: `h${i}` }));
        }
        if (frame.type === "ack") {
          acked++;
          if (acked === 25) {
            // Stay within the per-connection allowance: the next 30 after a pause.
            setTimeout(() => {
              for (let i = 26; i <= 55; i++)
                ws.send(JSON.stringify({ type: "message", text: `history ${i}`, clientMessageId: `h${i}` }));
            }, 5_500);
          }
          if (acked === 55) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
    });
    ws.close();
    await bob.page.goto(`${base}/rooms/e2e-history`);
    await bob.page.locator(".message", { hasText: "history 55" }).waitFor({ timeout: 15_000 });
    assert(
      !(await bob.page.locator(".message", { hasText: /history 1$/ }).count()),
      "the first message was shown before scrolling back",
    );
    await bob.page.getByRole("button", { name: "Load earlier messages" }).click();
    await bob.page.locator(".message", { hasText: /history 1$/ }).waitFor({ timeout: 10_000 });
    await bob.page.getByText("This is the beginning of #e2e-history.").waitFor({ timeout: 10_000 });
    const count = await bob.page.locator(".message").count();
    assert(count === 55, `${count} messages shown after scrolling back, expected 55`);
  });
}
