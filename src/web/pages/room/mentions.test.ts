import { describe, expect, it } from "vitest";
import { chatMessage } from "./chat-message.fixture";
import { insertMention, mentionAtCaret, mentionNames, splitMentions } from "./mentions";

const ada = { userId: "ada", displayName: "Ada" };
const adaL = { userId: "al", displayName: "Ada Lovelace" };

describe("splitMentions", () => {
  it("finds resolved names after @, longest first, case-insensitive, ended by space, punctuation or the end", () => {
    const names = mentionNames(chatMessage(1, { mentions: [ada, adaL] }), ada);
    expect(splitMentions("@ada lovelace, and @Ada! @Adam @Ada", names)).toEqual([
      { kind: "mention", text: "@ada lovelace", mine: false },
      { kind: "text", text: ", and " },
      { kind: "mention", text: "@Ada", mine: true },
      { kind: "text", text: "! @Adam " },
      { kind: "mention", text: "@Ada", mine: true },
    ]);
  });

  it("leaves text without mentions as one run, and names with regex characters are literal", () => {
    expect(splitMentions("no one here", null)).toEqual([{ kind: "text", text: "no one here" }]);
    const odd = mentionNames(chatMessage(1, { mentions: [{ userId: "x", displayName: "a.b (c)" }] }), null);
    expect(splitMentions("@a.b (c) @aXb (c)", odd)).toEqual([
      { kind: "mention", text: "@a.b (c)", mine: false },
      { kind: "text", text: " @aXb (c)" },
    ]);
  });
});

describe("the mention being typed", () => {
  it("is the text after an @ at a word's start, up to the caret", () => {
    expect(mentionAtCaret("hi @ad", 6)).toEqual({ start: 3, query: "ad" });
    expect(mentionAtCaret("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAtCaret("hi @Ada Lo", 10)).toEqual({ start: 3, query: "Ada Lo" });
    expect(mentionAtCaret("mail ada@example", 16)).toBeNull();
    expect(mentionAtCaret("@ada.  more", 11)).toBeNull();
    expect(mentionAtCaret("@ada\nnext", 9)).toBeNull();
  });

  it("is replaced by the chosen name and a space, the caret after it", () => {
    expect(insertMention("hi @ad there", 3, 6, "Ada Lovelace")).toEqual({
      text: "hi @Ada Lovelace there",
      caret: 17,
    });
    expect(insertMention("@", 0, 1, "Bob")).toEqual({ text: "@Bob ", caret: 5 });
  });
});
