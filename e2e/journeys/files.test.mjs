// Files: uploads with progress (a 300 MB one in parts), a refused type, analysis, previews, a ranged download, a
// share link opened signed out and then revoked, my statistics, and delete with a confirm step.
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
const card = (name) => filesUi.card(page, name);

j.test("uploads reach ready with their analysis and previews", async () => {
  ada = await j.signUp("Ada");
  page = ada.page;
  await page.goto(`${j.base}/files`);
  await page.getByText("No files yet — drop one here").waitFor({ timeout: 10_000 });
  await j.checkPage(page, "the files page, empty", { shot: "empty" });
  // The file input is found by its visible label, as a screen reader would find it.
  await filesUi.chooser(page).setInputFiles([
    { name: "dot.png", mimeType: "image/png", buffer: png },
    { name: "plan.txt", mimeType: "text/plain", buffer: Buffer.from(text) },
  ]);
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
  // checkPage waits for the preview image to have loaded before the screenshot.
  await j.checkPage(page, "the files page with analysis and previews", { shot: "list", fullPage: true });
  await j.screenshot(card("plan.txt"), "analysis");
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
    assert((await card("tool.exe").count()) === 0, "a refused file is listed");
    await j.checkPage(page, "the files page with a refused upload", { shot: "refused" });
    await refused.getByRole("button", { name: "Dismiss tool.exe" }).click();
    await refused.waitFor({ state: "detached", timeout: 5_000 });
  });
});

j.test("a 300 MB video goes up in parts: the bar moves, reaches 100 % and the file ends skipped", async () => {
  await page.evaluate(() => {
    window.__progress = new Set();
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll("progress")) window.__progress.add(Number(bar.value));
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["value"] });
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), "outpost-e2e-"));
  try {
    const videoPath = path.join(dir, "clip.mp4");
    // An MP4 signature, then zeros up to 300 MB (a sparse file: no 300 MB buffer in this process).
    writeFileSync(videoPath, Buffer.from([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]));
    truncateSync(videoPath, 300 * 1000 * 1000);
    await filesUi.chooser(page).setInputFiles(videoPath);
    const transfer = page.locator("[data-testid=transfer]", { hasText: "clip.mp4" });
    await transfer.and(page.locator("[data-state=done]")).waitFor({ timeout: 180_000 });
    const bar = transfer.getByRole("progressbar", { name: "Upload of clip.mp4" });
    assert((await bar.getAttribute("value")) === "100", "progress did not reach 100 %");
    assert((await bar.getAttribute("aria-valuetext"))?.startsWith("100 %"), "progress text is not 100 %");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const seen = await page.evaluate(() => [...window.__progress]);
  assert(
    seen.some((v) => v > 0 && v < 100),
    `the bar never showed progress between 0 and 100 %: ${seen.join(", ")}`,
  );
  await page.locator('[data-testid=file][data-name="clip.mp4"][data-status=skipped]').waitFor({ timeout: 45_000 });
  await card("clip.mp4").getByRole("button", { name: "Details" }).click();
  await card("clip.mp4").getByText("No analysis for video/mp4 files").waitFor({ timeout: 10_000 });
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
  const download = await card("plan.txt").getByRole("link", { name: "Download plan.txt" }).getAttribute("download");
  assert(download === "plan.txt", `download attribute: ${download}`);
});

j.test("a share link is copied, opens in a signed-out browser, and is refused once revoked", async () => {
  await ada.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: j.base });
  await card("plan.txt").getByLabel("Link lasts").selectOption({ label: "1 hour" });
  await card("plan.txt").getByRole("button", { name: "Create share link" }).click();
  const url = await card("plan.txt").locator("[data-testid=share-url]").inputValue();
  assert(url.includes("/api/share/"), `share URL: ${url}`);
  const expiry = await card("plan.txt").locator("[data-testid=share-expiry]").textContent();
  assert(expiry?.startsWith("Expires "), `expiry shown as: ${expiry}`);
  await card("plan.txt").getByRole("button", { name: "Copy" }).click();
  await card("plan.txt").getByText("Link copied.").waitFor({ timeout: 5_000 });
  assert((await page.evaluate(() => navigator.clipboard.readText())) === url, "the clipboard lacks the link");
  await j.checkPage(page, "a file with a share link", { shot: "share" });

  const stranger = await j.newContext({ label: "stranger" });
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
});

j.test("my statistics count my files; delete asks to confirm, and the count drops", async () => {
  await page.goto(`${j.base}/settings`);
  await page.locator("[data-testid=stats-files]", { hasText: /^3$/ }).waitFor({ timeout: 10_000 });
  await page.goto(`${j.base}/files`);
  await card("dot.png").getByRole("button", { name: "Delete" }).click();
  assert((await card("dot.png").count()) === 1, "deleted without confirming");
  await j.checkPage(page, "the files page asking to confirm a delete");
  await card("dot.png").getByRole("button", { name: "Confirm delete" }).click();
  await card("dot.png").waitFor({ state: "detached", timeout: 10_000 });
  await page.goto(`${j.base}/settings`);
  await page.locator("[data-testid=stats-files]", { hasText: /^2$/ }).waitFor({ timeout: 10_000 });
  await j.checkPage(page, "settings with upload statistics", { shot: "settings-uploads" });
});
