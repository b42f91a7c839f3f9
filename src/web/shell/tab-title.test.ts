// The tab title and badges: the unread inbox count in front of the page's name while there is one, and the
// room list's counts (a room never visited shows none; mentions are counted apart); message links.
import { describe, expect, it } from "vitest";
import { fileLink, messageLink } from "../lib/message-link";
import { roomCounts } from "./room-counts";
import { badgeText, formatTabTitle } from "./tab-title";

describe("formatTabTitle", () => {
  it("puts the unread count in front, and restores the plain title at 0", () => {
    expect(formatTabTitle("#general", 3)).toBe("(3) #general · Outpost");
    expect(formatTabTitle("#general", 0)).toBe("#general · Outpost");
    expect(formatTabTitle("Outpost", 1)).toBe("(1) Outpost");
    expect(formatTabTitle("Outpost", 0)).toBe("Outpost");
  });

  it("caps large counts and ignores nonsense", () => {
    expect(formatTabTitle("Inbox", 250)).toBe("(99+) Inbox · Outpost");
    expect(formatTabTitle("Inbox", -2)).toBe("Inbox · Outpost");
    expect(formatTabTitle("Inbox", Number.NaN)).toBe("Inbox · Outpost");
  });
});

describe("badgeText", () => {
  it("shows counts up to 99, then 99+, and nothing for 0", () => {
    expect(badgeText(0)).toBeNull();
    expect(badgeText(1)).toBe("1");
    expect(badgeText(99)).toBe("99");
    expect(badgeText(100)).toBe("99+");
  });
});

describe("roomCounts", () => {
  it("shows exact unread and mention counts for a visited room", () => {
    expect(roomCounts({ unread: 54, mentions: 2, lastReadId: 10 })).toEqual({ unread: 54, mentions: 2 });
  });
  it("shows nothing for a room never visited, whatever the server says", () => {
    expect(roomCounts({ unread: 54, mentions: 3, lastReadId: null })).toEqual({ unread: 0, mentions: 0 });
  });
});

describe("messageLink", () => {
  it("opens the room at the message (a reply too: the room opens its thread)", () => {
    expect(messageLink("general", 42)).toBe("/rooms/general?message=42");
    expect(fileLink("0123456789abcdef0123456789abcdef")).toBe("/files?file=0123456789abcdef0123456789abcdef");
  });
});
