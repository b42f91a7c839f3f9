// Browser tests: Debian's Chromium driven by playwright-core against the real dev server (`npm run dev`).
// Screenshots of each page go to e2e/screenshots/. Prints "N passed, M failed" and exits non-zero on failure.
import { existsSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { startDevServer } from "../scripts/dev-server.mjs";

const root = path.resolve(import.meta.dirname, "..");
const shots = path.join(root, "e2e", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (!existsSync(CHROMIUM)) {
  console.error(`e2e: no browser at ${CHROMIUM}; install it with: apt-get install -y chromium`);
  process.exit(1);
}

const results = [];
async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push([name, true]);
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push([name, false]);
    console.log(`FAIL ${name}: ${error.message}`);
  }
}
function assert(condition, message) {
  if (!condition) throw new Error(message);
}

mkdirSync(shots, { recursive: true });
const { base, stop } = await startDevServer("e2e");
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const consoleErrors = [];
/** Console errors a scenario provokes on purpose (e.g. the 403s it is testing), while that scenario runs. */
const expectedConsole = [];

async function newUser(label) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  page.on("console", (m) => {
    // Every console error counts, except those a scenario provokes on purpose (listed while it runs).
    if (m.type() !== "error") return;
    if (expectedConsole.some((pattern) => pattern.test(m.text()))) return;
    consoleErrors.push(`${label}: ${m.text()}`);
  });
  await page.goto(`${base}/register`);
  await page.fill("input[name=displayName]", label);
  // Kept: others find this user by email (adding a member to a private room).
  const email = `${label.toLowerCase()}-${Date.now()}@example.com`;
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", "a long passphrase for e2e");
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}/rooms`, { timeout: 15_000 });
  return { context, page, email };
}

const messagesIn = (page) => page.locator("[data-testid=messages] .message").allTextContents();

try {
  let ada;
  let bob;
  await check("register and land on the rooms page", async () => {
    ada = await newUser("Ada");
    bob = await newUser("Bob");
    await ada.page.screenshot({ path: path.join(shots, "rooms.png") });
    assert(await ada.page.locator("h1", { hasText: "Rooms" }).isVisible(), "no Rooms heading");
  });

  await check("two browsers chat live in one room", async () => {
    for (const { page } of [ada, bob]) {
      await page.goto(`${base}/rooms/e2e`);
      await page.locator("[data-testid=connection-state]", { hasText: "Connected" }).waitFor({ timeout: 15_000 });
    }
    await ada.page.fill("input[name=text]", "Hello Bob");
    await ada.page.press("input[name=text]", "Enter");
    await bob.page.locator(".message", { hasText: "Hello Bob" }).waitFor({ timeout: 10_000 });
    await bob.page.locator("[data-testid=roster]", { hasText: "Ada" }).waitFor({ timeout: 10_000 });
    await bob.page.screenshot({ path: path.join(shots, "room.png") });
  });

  await check("a browser that drops its connection gets every message it missed", async () => {
    await bob.context.setOffline(true);
    // Going offline does not always end an open WebSocket in Chromium: end it, as a dropped network would.
    await bob.page.evaluate(() => window.dispatchEvent(new Event("offline")));
    // The page says so honestly while it is cut off.
    await bob.page
      .locator("[data-testid=connection-state]", { hasText: "Connection lost" })
      .waitFor({ timeout: 10_000 });
    await bob.page.screenshot({ path: path.join(shots, "room-offline.png") });
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

  await check("settings show my sessions", async () => {
    await ada.page.goto(`${base}/settings`);
    await ada.page.locator("[data-testid=sessions] li").first().waitFor({ timeout: 10_000 });
    await ada.page.screenshot({ path: path.join(shots, "settings.png") });
  });

  await check("files: upload with progress to ready, analysis, ranged download, share signed out, delete", async () => {
    const page = ada.page;
    const text = "The launch is on Tuesday. Every team reviews the launch list first. Coffee is in the kitchen.";
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    );
    await page.goto(`${base}/files`);
    await page.getByText("No files yet — drop one here").waitFor({ timeout: 10_000 });
    // The file input is found by its visible label, as a screen reader would find it.
    const chooser = page.getByLabel("Choose files");
    await chooser.setInputFiles([
      { name: "dot.png", mimeType: "image/png", buffer: png },
      { name: "plan.txt", mimeType: "text/plain", buffer: Buffer.from(text) },
    ]);
    const card = (name) => page.locator(`[data-testid=file][data-name="${name}"]`);
    for (const name of ["dot.png", "plan.txt"]) {
      await page.locator(`[data-testid=file][data-name="${name}"][data-status=ready]`).waitFor({ timeout: 45_000 });
    }
    await card("plan.txt").getByRole("button", { name: "Details" }).click();
    await card("plan.txt").locator(".chip", { hasText: "launch" }).waitFor({ timeout: 10_000 });
    const summary = await card("plan.txt").locator("[data-testid=summary]").textContent();
    assert(/Summary.*: .*launch/i.test(summary ?? ""), `summary: ${summary}`);
    assert(await card("plan.txt").getByText("computed offline, not by a model").isVisible(), "no offline notice");
    await card("plan.txt").locator("pre.preview", { hasText: "The launch is on Tuesday" }).waitFor({ timeout: 10_000 });
    await card("dot.png").getByRole("button", { name: "Details" }).click();
    await card("dot.png").getByText("PNG image, 1 × 1 pixels").waitFor({ timeout: 10_000 });
    await card("dot.png").getByRole("img", { name: "Preview of dot.png" }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(shots, "files.png"), fullPage: true });
    await card("plan.txt").screenshot({ path: path.join(shots, "files-analysis.png") });

    // A type the server refuses: the reason is shown next to the upload as a sentence, and nothing is listed.
    expectedConsole.push(/status of 415/);
    try {
      const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(64, 0xff)]);
      await chooser.setInputFiles([{ name: "tool.exe", mimeType: "application/x-msdownload", buffer: exe }]);
      const refused = page.locator("[data-testid=transfer][data-state=failed]", { hasText: "tool.exe" });
      await refused.waitFor({ timeout: 15_000 });
      const reason = await refused.getByRole("alert").textContent();
      assert(/not accepted/.test(reason ?? ""), `415 shown as: ${reason}`);
      assert((await card("tool.exe").count()) === 0, "a refused file is listed");
      await refused.getByRole("button", { name: "Dismiss tool.exe" }).click();
      await refused.waitFor({ state: "detached", timeout: 5_000 });
    } finally {
      expectedConsole.pop();
    }

    // A 300 MB video goes in parts, from a file on disk as a user would pick it; its progress bar moves,
    // reaches 100 % and the file ends `skipped`.
    await page.evaluate(() => {
      window.__progress = new Set();
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll("progress")) window.__progress.add(Number(bar.value));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["value"] });
    });
    const videoPath = path.join(mkdtempSync(path.join(os.tmpdir(), "outpost-e2e-")), "clip.mp4");
    // An MP4 signature, then zeros up to 300 MB (a sparse file: no 300 MB buffer in this process).
    writeFileSync(videoPath, Buffer.from([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]));
    truncateSync(videoPath, 300 * 1000 * 1000);
    await chooser.setInputFiles(videoPath);
    const transfer = page.locator("[data-testid=transfer]", { hasText: "clip.mp4" });
    await transfer.and(page.locator("[data-state=done]")).waitFor({ timeout: 180_000 });
    rmSync(path.dirname(videoPath), { recursive: true, force: true });
    const bar = transfer.getByRole("progressbar", { name: "Upload of clip.mp4" });
    assert((await bar.getAttribute("value")) === "100", "progress did not reach 100 %");
    assert((await bar.getAttribute("aria-valuetext"))?.startsWith("100 %"), "progress text is not 100 %");
    const seen = await page.evaluate(() => [...window.__progress]);
    assert(
      seen.some((v) => v > 0 && v < 100),
      `the bar never showed progress between 0 and 100 %: ${seen.join(", ")}`,
    );
    await page.locator('[data-testid=file][data-name="clip.mp4"][data-status=skipped]').waitFor({ timeout: 45_000 });
    await card("clip.mp4").getByRole("button", { name: "Details" }).click();
    await card("clip.mp4").getByText("No analysis for video/mp4 files").waitFor({ timeout: 10_000 });

    // Resumed download: a byte range from the middle, as a download manager would ask for it.
    const ranged = await page.evaluate(async () => {
      const { files } = await (await fetch("/api/files")).json();
      const plan = files.find((f) => f.name === "plan.txt");
      const res = await fetch(`/api/files/${plan.id}/content`, { headers: { Range: "bytes=5-" } });
      return { status: res.status, range: res.headers.get("Content-Range"), body: await res.text() };
    });
    assert(ranged.status === 206 && ranged.body === text.slice(5), `range answered ${ranged.status}`);
    assert(ranged.range === `bytes 5-${text.length - 1}/${text.length}`, `Content-Range: ${ranged.range}`);
    const download = await card("plan.txt").getByRole("link", { name: "Download plan.txt" }).getAttribute("download");
    assert(download === "plan.txt", `download attribute: ${download}`);

    // Share the text file for an hour; copy the link; a signed-out browser opens it until it is revoked.
    await ada.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await card("plan.txt").getByLabel("Link lasts").selectOption({ label: "1 hour" });
    await card("plan.txt").getByRole("button", { name: "Create share link" }).click();
    const url = await card("plan.txt").locator("[data-testid=share-url]").inputValue();
    assert(url.includes("/api/share/"), `share URL: ${url}`);
    const expiry = await card("plan.txt").locator("[data-testid=share-expiry]").textContent();
    assert(expiry?.startsWith("Expires "), `expiry shown as: ${expiry}`);
    await card("plan.txt").getByRole("button", { name: "Copy" }).click();
    await card("plan.txt").getByText("Link copied.").waitFor({ timeout: 5_000 });
    assert((await page.evaluate(() => navigator.clipboard.readText())) === url, "the clipboard lacks the link");
    const stranger = await browser.newContext();
    assert((await stranger.cookies()).length === 0, "the stranger has cookies");
    const visitor = await stranger.newPage();
    const opened = await visitor.goto(url);
    assert(opened?.status() === 200, `share link answered ${opened?.status()}`);
    assert((await opened.text()) === text, "shared content differs");
    await card("plan.txt").getByRole("button", { name: "Revoke" }).click();
    await card("plan.txt").getByText("revoked", { exact: false }).first().waitFor({ timeout: 10_000 });
    const refused = await stranger.request.get(url);
    assert(refused.status() === 403, `revoked link answered ${refused.status()}`);
    await stranger.close();

    // My statistics count three files; deleting the image (after a confirm step) leaves two.
    await page.goto(`${base}/settings`);
    await page.locator("[data-testid=stats-files]", { hasText: /^3$/ }).waitFor({ timeout: 10_000 });
    await page.getByRole("link", { name: "Files", exact: true }).click();
    await card("dot.png").getByRole("button", { name: "Delete" }).click();
    assert((await card("dot.png").count()) === 1, "deleted without confirming");
    await card("dot.png").getByRole("button", { name: "Confirm delete" }).click();
    await card("dot.png").waitFor({ state: "detached", timeout: 10_000 });
    await page.goto(`${base}/settings`);
    await page.locator("[data-testid=stats-files]", { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(shots, "settings-uploads.png") });
  });

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
      assert(
        steps.some((s) => s.startsWith("Searching room messages")),
        `steps: ${steps.join(" | ")}`,
      );
      assert(
        steps.some((s) => s.startsWith("Searching your files")),
        `steps: ${steps.join(" | ")}`,
      );
      const answer = await turn.locator("[data-testid=answer]").textContent();
      assert(answer?.includes("the launch is on Tuesday"), `answer: ${answer}`);
      const sources = await turn.locator(".citations a").allTextContents();
      assert(
        sources.some((s) => s.includes("#e2e")),
        `sources: ${sources.join(" | ")}`,
      );
      assert(
        sources.some((s) => s.includes("plan.txt")),
        `sources: ${sources.join(" | ")}`,
      );
      await page.screenshot({ path: path.join(shots, "assistant.png"), fullPage: true });
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

  await check(
    "admin: a member cannot reach admin pages; an admin turns the assistant off and on for everyone",
    async () => {
      expectedConsole.push(/403 \(Forbidden\)/);
      try {
        await bob.page.goto(`${base}/admin`);
        await bob.page.locator("[data-testid=admin-refused]").waitFor({ timeout: 10_000 });
        const apiStatus = await bob.page.evaluate(async () => (await fetch("/api/admin/metrics")).status);
        assert(apiStatus === 403, `a member got ${apiStatus} from /api/admin/metrics`);

        const page = ada.page;
        await page.goto(`${base}/admin`);
        await page.fill("input[name=name]", "assistant");
        await page.fill("input[name=description]", "Turned off by the browser test");
        await page.getByRole("button", { name: "Save flag" }).click();
        await page.locator("[data-flag=assistant]", { hasText: "off" }).waitFor({ timeout: 10_000 });

        await bob.page.goto(`${base}/assistant`);
        await bob.page.fill("input[name=question]", "What did we decide about the launch?");
        await bob.page.getByRole("button", { name: "Ask" }).click();
        await bob.page.getByText("turned the assistant off").waitFor({ timeout: 10_000 });

        await page.locator("[data-flag=assistant]").getByRole("button", { name: "Delete" }).click();
        await page.locator("[data-flag=assistant]").waitFor({ state: "detached", timeout: 10_000 });
        await bob.page.fill("input[name=question]", "What did we decide about the launch?");
        await bob.page.getByRole("button", { name: "Ask" }).click();
        await bob.page.locator("[data-testid=turn][data-state=complete]").waitFor({ timeout: 30_000 });

        await page.getByRole("tab", { name: "Metrics" }).click();
        await page.getByText("Cache hit ratio by namespace").waitFor({ timeout: 10_000 });
        await page.screenshot({ path: path.join(shots, "admin-metrics.png"), fullPage: true });
        await page.getByRole("tab", { name: "Files" }).click();
        await page.getByText("Files by status").waitFor({ timeout: 10_000 });
        await page.getByRole("tab", { name: "Users" }).click();
        await page.getByText("Bob", { exact: true }).waitFor({ timeout: 10_000 });
      } finally {
        expectedConsole.pop();
      }
    },
  );

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
        if (route === "/files") await page.screenshot({ path: path.join(shots, "files-phone.png"), fullPage: true });
      }
    } finally {
      await page.setViewportSize({ width: 1100, height: 800 });
    }
  });

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
      expectedConsole.push(/status of 409/);
      try {
        await ada.page.goto(`${base}/rooms`);
        await ada.page.getByLabel("Name", { exact: true }).fill(room);
        await ada.page.getByRole("button", { name: "Create", exact: true }).click();
        const refusal = await ada.page.locator("[data-testid=create-room-error]").textContent({ timeout: 10_000 });
        assert(refusal?.includes(`#${room} already exists`), `409 shown as: ${refusal}`);
      } finally {
        expectedConsole.pop();
      }
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
      expectedConsole.push(/status of 404/);
      try {
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
      } finally {
        expectedConsole.pop();
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
      await ada.page.screenshot({ path: path.join(shots, "room-members.png") });

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

  await check("no console errors", async () => {
    assert(consoleErrors.length === 0, consoleErrors.join("\n"));
  });
} finally {
  await browser.close();
  stop();
}

const failed = results.filter(([, ok]) => !ok).length;
console.log(`e2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
