// Browser tests: Debian's Chromium driven by playwright-core against the real dev server (`npm run dev`).
// Screenshots of each page go to e2e/screenshots/. Prints "N passed, M failed" and exits non-zero on failure.
// The scenarios run in this order, on one server: later ones use the users and data earlier ones made.
import { assert, startHarness } from "./lib.mjs";
import { admin } from "./scenarios/admin.mjs";
import { assistant } from "./scenarios/assistant.mjs";
import { chat } from "./scenarios/chat.mjs";
import { files } from "./scenarios/files.mjs";
import { history } from "./scenarios/history.mjs";
import { privateRooms } from "./scenarios/private-rooms.mjs";
import { settings } from "./scenarios/settings.mjs";
import { unreadAndPhone } from "./scenarios/unread-and-phone.mjs";

const h = await startHarness();
try {
  for (const scenario of [chat, history, settings, files, assistant, admin, unreadAndPhone, privateRooms]) {
    await scenario(h);
  }
  await h.check("no console errors", async () => {
    assert(h.consoleErrors.length === 0, h.consoleErrors.join("\n"));
  });
} finally {
  await h.close();
}

process.exit(h.report());
