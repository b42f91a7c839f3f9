// Files: uploads with progress (a 300 MB one in parts), a refused type, analysis, previews, a ranged download, a
// share link opened signed out and then revoked (a readable page, not JSON, for a revoked or tampered link), my
// statistics, and delete with a confirm step.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineJourney } from "../support/journey.mjs";
import { filesUi } from "../support/ui.mjs";

const j = defineJourney("files");
const text = "The launch is on Tuesday. Every team reviews the launch list first. Coffee is in the kitchen.";
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
let ada;
let page;
let shareUrl;
const card = (name) => filesUi.card(page, name);

j.test("uploads reach ready with their analysis and previews", async () => {
  ada = await j.signUp("Ada");
  page = ada.page;
  await page.goto(`${j.base}/files`);
  await page.locator("[data-testid=files-empty]", { hasText: "No files yet" }).waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the files page, empty", { shot: "empty" });
  // The file input is found by its visible label, as a screen reader would find it.
  await filesUi.chooser(page).setInputFiles([
    { name: "dot.png", mimeType: "image/png", buffer: png },
    { name: "plan.txt", mimeType: "text/plain", buffer: Buffer.from(text) },
  ]);
  for (const name of ["dot.png", "plan.txt"]) {
    await page.locator(`[data-testid=file][data-name="${name}"][data-status=ready]`).waitFor({ timeout: 45_000 });
  }
  const dot = await filesUi.open(page, "dot.png");
  await dot.getByText("PNG image, 1 × 1 pixels").waitFor({ timeout: 10_000 });
  await dot.getByRole("img", { name: "Preview of dot.png" }).waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the files page with an image's preview");

  const plan = await filesUi.open(page, "plan.txt");
  const details = plan.locator("[data-testid=file-details]");
  await details.locator(".chip", { hasText: "launch" }).waitFor({ timeout: 10_000 });
  const summary = await details.locator("[data-testid=summary]").textContent();
  assert(/Summary.*: .*launch/i.test(summary ?? ""), `summary: ${summary}`);
  assert(await details.getByText("computed offline, not by a model").isVisible(), "no offline notice");
  await plan.locator(".preview-text", { hasText: "The launch is on Tuesday" }).waitFor({ timeout: 10_000 });
  await j.screenshot(plan, "analysis");
  // checkPage waits for the list's thumbnails to have loaded before the screenshot.
  await j.checkPage(page, "the files page with analysis and previews", { shot: "list", fullPage: true });
});

j.test("a type the server refuses is explained next to the upload and not listed", async () => {
  await j.expectingConsole(/status of 415/, async () => {
    const exe = Buffer.concat([Buffer.from("MZ\x90\x00\x03\x00\x00\x00", "latin1"), Buffer.alloc(64, 0xff)]);
    await filesUi
      .chooser(page)
      .setInputFiles([{ name: "tool.exe", mimeType: "application/x-msdownload", buffer: exe }]);
    const refused = page.locator("[data-testid=transfer][data-state=failed]", { hasText: "tool.exe" });
    await refused.waitFor({ timeout: 15_000 });
    const reason = await refused.getByRole("alert").textContent();
    assert(/not accepted/.test(reason ?? ""), `415 shown as: ${reason}`);
    assert.equal((await refused.locator("[data-testid=transfer-state]").textContent())?.trim(), "Failed");
    // The same bytes would be refused again: no Retry.
    assert.equal(await refused.getByRole("button", { name: /^Retry/ }).count(), 0, "Retry offered after a 415");
    assert((await card("tool.exe").count()) === 0, "a refused file is listed");
    await j.checkPage(page, "the files page with a refused upload", { shot: "refused" });
    await refused.getByRole("button", { name: "Dismiss tool.exe" }).click();
    await refused.waitFor({ state: "detached", timeout: 5_000 });
  });
});

j.test("a 300 MB video goes up in parts: the bar moves, reaches 100 % and the file ends skipped", async () => {
  // What the upload card showed, recorded as it changed (a finished card clears itself after a few seconds).
  await page.evaluate(() => {
    window.__progress = new Set();
    window.__progressText = new Set();
    window.__transferStates = new Set();
    const record = () => {
      for (const bar of document.querySelectorAll("[data-testid=transfer] progress")) {
        window.__progress.add(Number(bar.value));
        window.__progressText.add(bar.getAttribute("aria-valuetext") ?? "");
      }
      for (const state of document.querySelectorAll("[data-testid=transfer-state]")) {
        window.__transferStates.add(state.textContent?.trim() ?? "");
      }
    };
    new MutationObserver(record).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["value", "aria-valuetext", "data-state"],
    });
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), "outpost-e2e-"));
  try {
    const videoPath = path.join(dir, "clip.mp4");
    // An MP4 signature, then zeros up to 300 MB (a sparse file: no 300 MB buffer in this process).
    writeFileSync(videoPath, Buffer.from([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]));
    truncateSync(videoPath, 300 * 1000 * 1000);
    await filesUi.chooser(page).setInputFiles(videoPath);
    const transfer = filesUi.transfer(page, "clip.mp4");
    await transfer.getByRole("progressbar", { name: "Upload of clip.mp4" }).waitFor({ timeout: 10_000 });
    // The stored file's row, rather than the card, which goes away a few seconds after "Done".
    await card("clip.mp4").waitFor({ timeout: 180_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const seen = await page.evaluate(() => ({
    values: [...window.__progress],
    texts: [...window.__progressText],
    states: [...window.__transferStates],
  }));
  assert(seen.values.includes(100), `progress did not reach 100 %: ${seen.values.join(", ")}`);
  assert(
    seen.texts.some((t) => t.startsWith("100 %")),
    `progress text is never 100 %: ${seen.texts.slice(-3).join(" | ")}`,
  );
  assert(
    seen.values.some((v) => v > 0 && v < 100),
    `the bar never showed progress between 0 and 100 %: ${seen.values.join(", ")}`,
  );
  assert(
    seen.states.some((s) => s.endsWith("Done")),
    `the card never said Done: ${seen.states.join(", ")}`,
  );
  await page.locator('[data-testid=file][data-name="clip.mp4"][data-status=skipped]').waitFor({ timeout: 45_000 });
  const clip = await filesUi.open(page, "clip.mp4");
  await clip.getByText("No analysis for video/mp4 files").waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the files page after a multipart upload", { shot: "uploaded", fullPage: true });
});

j.test("a download resumes from a byte range; the link downloads under the file's name", async () => {
  // A byte range from the middle, as a download manager would ask for it.
  const ranged = await page.evaluate(async () => {
    const { files } = await (await fetch("/api/files")).json();
    const plan = files.find((f) => f.name === "plan.txt");
    const res = await fetch(`/api/files/${plan.id}/content`, { headers: { Range: "bytes=5-" } });
    return { status: res.status, range: res.headers.get("Content-Range"), body: await res.text() };
  });
  assert(ranged.status === 206 && ranged.body === text.slice(5), `range answered ${ranged.status}`);
  assert(ranged.range === `bytes 5-${text.length - 1}/${text.length}`, `Content-Range: ${ranged.range}`);
  const plan = await filesUi.open(page, "plan.txt");
  const download = await plan.getByRole("link", { name: "Download plan.txt" }).getAttribute("download");
  assert(download === "plan.txt", `download attribute: ${download}`);
});

j.test("a share link is copied, opens in a signed-out browser, and is refused once revoked", async () => {
  await ada.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: j.base });
  const plan = filesUi.panel(page);
  await plan.getByRole("button", { name: "Share", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Share plan.txt" });
  await dialog.waitFor({ timeout: 5_000 });
  await dialog.getByLabel("Link lasts").selectOption({ label: "1 hour" });
  await dialog.getByRole("button", { name: "Create share link" }).click();
  const urlBox = dialog.locator("[data-testid=share-url]");
  await urlBox.waitFor({ timeout: 10_000 });
  shareUrl = await urlBox.inputValue();
  assert(shareUrl.includes("/api/share/"), `share URL: ${shareUrl}`);
  const expiry = await dialog.locator("[data-testid=share-expiry]").textContent();
  assert(expiry?.startsWith("Expires "), `expiry shown as: ${expiry}`);
  await dialog.getByRole("button", { name: "Copy link" }).click();
  await dialog.getByRole("button", { name: "Copied link" }).waitFor({ timeout: 5_000 });
  await dialog.getByText("Link copied.").waitFor({ timeout: 5_000 });
  assert((await page.evaluate(() => navigator.clipboard.readText())) === shareUrl, "the clipboard lacks the link");
  await j.checkPage(page, "a file with a share link", { shot: "share" });

  const stranger = await j.newContext({ label: "stranger" });
  assert((await stranger.cookies()).length === 0, "the stranger has cookies");
  const visitor = await stranger.newPage();
  const opened = await visitor.goto(shareUrl);
  assert(opened?.status() === 200, `share link answered ${opened?.status()}`);
  assert((await opened.text()) === text, "shared content differs");

  await dialog.getByRole("button", { name: /^Revoke link created / }).click();
  const confirm = page.getByRole("dialog", { name: "Revoke this link?" });
  await confirm.waitFor({ timeout: 5_000 });
  await confirm.getByRole("button", { name: "Revoke", exact: true }).click();
  await dialog.getByRole("list", { name: "Share links" }).getByText("Revoked").waitFor({ timeout: 10_000 });
  const refused = await stranger.request.get(shareUrl);
  assert(refused.status() === 403, `revoked link answered ${refused.status()}`);
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.waitFor({ state: "hidden", timeout: 5_000 });
  await stranger.close();
});

j.test("a revoked or tampered share link opens a readable page in a browser, not JSON", async () => {
  // The refusal page's Content-Security-Policy allows no script: axe goes in as the browser's own, bypassing it.
  const stranger = await j.newContext({ label: "stranger", bypassCSP: true });
  const visitor = await stranger.newPage();
  const token = shareUrl.slice(shareUrl.lastIndexOf("/") + 1);
  const at = Math.floor(token.length / 2);
  const tampered = `${shareUrl.slice(0, shareUrl.length - token.length)}${token.slice(0, at)}${
    token[at] === "A" ? "B" : "A"
  }${token.slice(at + 1)}`;
  for (const [url, heading, shot] of [
    [shareUrl, "This link was revoked", "share-revoked"],
    [tampered, "This link is not valid", "share-tampered"],
  ]) {
    await j.expectingConsole(/status of 403/, async () => {
      const res = await visitor.goto(url);
      assert.equal(res?.status(), 403, `${heading}: answered ${res?.status()}`);
      await visitor.getByRole("heading", { level: 1, name: heading }).waitFor({ timeout: 5_000 });
      const body = (await visitor.locator("body").textContent()) ?? "";
      assert(!body.includes('{"type":') && !body.includes("urn:outpost"), `JSON shown: ${body.slice(0, 200)}`);
      const home = visitor.getByRole("link", { name: "Go to Outpost" });
      assert.equal(await home.getAttribute("href"), "/", "the way back is not to Outpost's home");
      await j.checkPage(visitor, `a share link page: ${heading}`, { shot });
    });
  }
  await stranger.close();
});

j.test("my statistics count my files; delete asks to confirm, and the count drops", async () => {
  await page.goto(`${j.base}/settings`);
  await page.locator("[data-testid=stats-files]", { hasText: /^3$/ }).waitFor({ timeout: 10_000 });
  await page.goto(`${j.base}/files`);
  const panel = await filesUi.open(page, "dot.png");
  const dotId = new URL(page.url()).searchParams.get("file");
  await panel.getByRole("button", { name: "Delete", exact: true }).click();
  const confirm = page.getByRole("dialog", { name: "Delete dot.png?" });
  await confirm.waitFor({ timeout: 5_000 });
  assert((await card("dot.png").count()) === 1, "deleted without confirming");
  await j.checkPage(page, "the files page asking to confirm a delete");
  await confirm.getByRole("button", { name: "Delete", exact: true }).click();
  await card("dot.png").waitFor({ state: "detached", timeout: 10_000 });
  // A link to the deleted file says it is gone.
  await j.expectingConsole(/status of 404/, async () => {
    await page.goto(`${j.base}/files?file=${dotId}`);
    await page.locator("[data-testid=file-gone]").waitFor({ timeout: 10_000 });
    await j.checkPage(page, "the files page opened on a deleted file");
  });
  await page.goto(`${j.base}/settings`);
  await page.locator("[data-testid=stats-files]", { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
  await j.checkPage(page, "settings with upload statistics", { shot: "settings-uploads" });
});
