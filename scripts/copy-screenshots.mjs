// Copies the README's screenshots from the browser journeys' last run (e2e/screenshots/) into docs/screenshots/.
// Run `npm run test:e2e` first, then `node scripts/copy-screenshots.mjs`. The list says which screenshot becomes
// which file in docs/screenshots/ (the names the README links to).
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";

/** [screenshot in e2e/screenshots/, file in docs/screenshots/] */
const SCREENSHOTS = [
  ["rooms-chat-desktop.png", "room.png"],
  ["rooms-private-members-desktop.png", "room-members.png"],
  ["files-list-desktop.png", "files.png"],
  ["assistant-answer-desktop.png", "assistant.png"],
  ["admin-metrics-desktop.png", "admin-metrics.png"],
  ["files-settings-uploads-desktop.png", "settings-uploads.png"],
  ["rooms-chat-phone.png", "room-phone.png"],
  ["phone-files-phone.png", "files-phone.png"],
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
