// Copies the README's screenshots from the browser journeys' last run (e2e/screenshots/) into docs/screenshots/.
// Run `npm run test:e2e` first, then `node scripts/copy-screenshots.mjs`. The list says which screenshot becomes
// which file in docs/screenshots/ (the names the README links to).
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";

/**
 * [screenshot in e2e/screenshots/, file in docs/screenshots/]: desktop and phone of the home page, a room, files,
 * search, the assistant, admin and settings, each from the journey its name starts with (conversation-… from the
 * conversation journey).
 */
const SCREENSHOTS = [
  ["signup-home-desktop.png", "home.png"],
  ["signup-home-phone.png", "home-phone.png"],
  ["conversation-room-desktop.png", "room.png"],
  ["conversation-room-phone.png", "room-phone.png"],
  ["conversation-search-desktop.png", "search.png"],
  ["conversation-search-phone.png", "search-phone.png"],
  ["files-list-desktop.png", "files.png"],
  ["files-list-phone.png", "files-phone.png"],
  ["assistant-answer-desktop.png", "assistant.png"],
  ["assistant-answer-phone.png", "assistant-phone.png"],
  ["admin-metrics-desktop.png", "admin-metrics.png"],
  ["admin-metrics-phone.png", "admin-metrics-phone.png"],
  ["files-settings-uploads-desktop.png", "settings-uploads.png"],
  ["files-settings-uploads-phone.png", "settings-uploads-phone.png"],
];

const root = path.resolve(import.meta.dirname, "..");
const from = path.join(root, "e2e", "screenshots");
const to = path.join(root, "docs", "screenshots");

const missing = SCREENSHOTS.filter(([shot]) => !existsSync(path.join(from, shot))).map(([shot]) => shot);
if (missing.length) {
  console.error(`copy-screenshots: not in e2e/screenshots/ (run npm run test:e2e first): ${missing.join(", ")}`);
  process.exit(1);
}
mkdirSync(to, { recursive: true });
for (const [shot, name] of SCREENSHOTS) {
  copyFileSync(path.join(from, shot), path.join(to, name));
  console.log(`${shot} → docs/screenshots/${name}`);
}
