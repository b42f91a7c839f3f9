// Where the test build of the unfurl helper Worker goes (used by vitest.config.ts and global-setup.ts).
import path from "node:path";

export const UNFURL_TEST_BUNDLE = path.join(import.meta.dirname, "..", ".vitest", "unfurl.mjs");
