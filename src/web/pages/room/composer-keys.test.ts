import { describe, expect, it } from "vitest";
import { keyAction, moveActive } from "./composer-keys";

const key = (k: string, more: Partial<{ shiftKey: boolean; isComposing: boolean; ctrlKey: boolean }> = {}) => ({
  key: k,
  shiftKey: false,
  isComposing: false,
  ...more,
});

describe("keyAction", () => {
  it("sends on Enter, leaves Shift+Enter to make a new line, and ignores Enter ending an IME composition", () => {
    expect(keyAction(key("Enter"), false)).toBe("send");
    expect(keyAction(key("Enter", { shiftKey: true }), false)).toBeNull();
    expect(keyAction(key("Enter", { isComposing: true }), false)).toBeNull();
    expect(keyAction(key("a"), false)).toBeNull();
    expect(keyAction(key("Escape"), false)).toBe("cancel");
    // Without suggestions, arrows and Tab do what they always do.
    expect(keyAction(key("ArrowDown"), false)).toBeNull();
    expect(keyAction(key("Tab"), false)).toBeNull();
  });

  it("gives the arrows, Enter, Tab and Escape to the suggestions while they are open", () => {
    expect(keyAction(key("ArrowDown"), true)).toBe("next");
    expect(keyAction(key("ArrowUp"), true)).toBe("previous");
    expect(keyAction(key("Enter"), true)).toBe("pick");
    expect(keyAction(key("Tab"), true)).toBe("pick");
    expect(keyAction(key("Escape"), true)).toBe("close");
    expect(keyAction(key("Enter", { shiftKey: true }), true)).toBeNull();
  });

  it("moves the highlighted suggestion round the list", () => {
    expect(moveActive(0, 1, 3)).toBe(1);
    expect(moveActive(2, 1, 3)).toBe(0);
    expect(moveActive(0, -1, 3)).toBe(2);
    expect(moveActive(0, 1, 0)).toBe(0);
  });
});
