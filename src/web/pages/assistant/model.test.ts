import { describe, expect, it } from "vitest";
import type { ConversationMessage } from "../../../features/assistant/assistant.schema";
import { internalPath, safeUrl } from "./links";
import { historyOf, type Turn, toMessages, toTurns } from "./model";

const at = "2026-01-01T00:00:00.000Z";
const question = (content: string): ConversationMessage => ({
  role: "user",
  content,
  citations: [],
  status: "complete",
  steps: [],
  createdAt: at,
});
const answer = (content: string, status: ConversationMessage["status"], steps: ConversationMessage["steps"] = []) =>
  ({ role: "assistant", content, citations: [], status, steps, createdAt: at }) satisfies ConversationMessage;

describe("toTurns", () => {
  it("pairs each question with its answer and keeps how the answer ended, with its steps", () => {
    const steps = [
      { name: "search_messages", state: "done" as const, ms: 12, results: 2 },
      { name: "search_files", state: "stopped" as const },
    ];
    const turns = toTurns("c1", [
      question("one"),
      answer("first", "complete"),
      question("two"),
      answer("half an an", "stopped", steps),
      question("three"),
      answer("", "failed"),
    ]);
    expect(turns.map((t) => [t.key, t.question, t.answer, t.state])).toEqual([
      ["c1:0", "one", "first", "complete"],
      ["c1:1", "two", "half an an", "stopped"],
      ["c1:2", "three", "", "failed"],
    ]);
    expect(turns[1]?.steps).toEqual(steps);
    expect(turns.every((t) => t.stored)).toBe(true);
  });

  it("reads a question left without an answer as stopped", () => {
    expect(toTurns("c1", [question("alone")])[0]?.state).toBe("stopped");
  });

  it("round-trips a finished turn through the messages it becomes; running steps end as stopped", () => {
    const turn: Turn = {
      key: "live:1",
      question: "q",
      answer: "a",
      steps: [{ name: "search_files", state: "running" }],
      citations: [],
      state: "stopped",
      stored: true,
    };
    const back = toTurns("c1", toMessages(turn, at))[0];
    expect(back).toMatchObject({ question: "q", answer: "a", state: "stopped" });
    expect(back?.steps).toEqual([{ name: "search_files", state: "stopped" }]);
  });
});

describe("historyOf", () => {
  it("sends complete answers only, the last ten turns, each within 4 000 characters", () => {
    const turns = toTurns("c1", [
      ...Array.from({ length: 12 }, (_, i) => [question(`q${i}`), answer(`a${i}`, "complete")]).flat(),
      question("stopped"),
      answer("partial", "stopped"),
      question("long"),
      answer("x".repeat(5_000), "complete"),
    ]);
    const history = historyOf(turns);
    expect(history).toHaveLength(20);
    expect(history[0]).toEqual({ role: "user", content: "q3" });
    expect(history.some((m) => m.content === "partial")).toBe(false);
    expect(history.at(-1)?.content).toHaveLength(4_000);
  });
});

describe("safeUrl", () => {
  it("keeps http(s), mailto and relative addresses", () => {
    for (const url of [
      "https://example.com/a?b#c",
      "http://x",
      "mailto:a@b.c",
      "/rooms/general?message=3",
      "#cite-1",
      "files?file=x",
      "?q=1",
    ]) {
      expect(safeUrl(url)).toBe(url);
    }
  });

  it("drops every other scheme, however it is written", () => {
    for (const url of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "java\tscript:alert(1)",
      "data:text/html,x",
      "vbscript:x",
      "file:///etc/passwd",
    ]) {
      expect(safeUrl(url)).toBe("");
    }
  });
});

describe("internalPath", () => {
  const here = "https://outpost.example/assistant?conversation=c1";
  it("gives the router's path for Outpost's own pages", () => {
    expect(internalPath("/rooms/general?message=3", here)).toBe("/rooms/general?message=3");
    expect(internalPath("/files?file=abc", here)).toBe("/files?file=abc");
    expect(internalPath("https://outpost.example/files", here)).toBe("/files");
  });

  it("leaves other sites, protocol-relative and backslashed hosts, and the API to ordinary links", () => {
    expect(internalPath("https://example.com/files", here)).toBeNull();
    expect(internalPath("//example.com/files", here)).toBeNull();
    expect(internalPath("/\\example.com/files", here)).toBeNull();
    expect(internalPath("/api/counters/visits", here)).toBeNull();
    expect(internalPath("mailto:a@b.c", here)).toBeNull();
  });
});
