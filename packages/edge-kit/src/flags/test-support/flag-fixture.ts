// Test support: a valid stored flag definition, with the fields a test cares about overridden.
import type { Flag } from "../flag-schema";

/**
 * A flag as the store keeps it: `new-editor`, enabled, 0 % rollout, the input schema's defaults (no
 * description, an empty allow-list, no kill switch), and a fixed salt, time and actor.
 *
 * @example
 * storedFlag({ rolloutPercentage: 30 }); // the same flag at 30 %
 */
export function storedFlag(overrides: Partial<Flag> = {}): Flag {
  return {
    name: "new-editor",
    description: "",
    enabled: true,
    rolloutPercentage: 0,
    allowList: [],
    killSwitch: false,
    salt: "00112233445566778899aabbccddeeff",
    updatedAt: "2026-11-22T00:00:00.000Z",
    updatedBy: "admin",
    ...overrides,
  };
}
