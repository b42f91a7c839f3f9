// Tests for resolveUploadType and isInlineSafe: the bytes decide, a declared type may only refine plain text.
import { describe, expect, it } from "vitest";
import { isInlineSafe, isTextType, resolveUploadType, SNIFF_BYTES } from ".";

const utf8 = (value: string) => new TextEncoder().encode(value);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
const ZIP = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0]);
const HTML = utf8("<!DOCTYPE html><script>alert(document.cookie)</script>");

describe("resolveUploadType", () => {
  it("judges text by the whole head a caller reads (SNIFF_BYTES): a NUL in its last byte makes it binary", () => {
    const head = utf8("a".repeat(SNIFF_BYTES));
    expect(resolveUploadType("text/plain", head)).toEqual({ ok: true, type: "text/plain", inline: true });
    head[SNIFF_BYTES - 1] = 0;
    expect(resolveUploadType("text/plain", head).ok).toBe(false);
    // The window is at least the 4 KiB that the Files rules in the README promise.
    expect(SNIFF_BYTES).toBeGreaterThanOrEqual(4096);
  });

  it("uses the detected type when nothing, garbage or application/octet-stream is declared", () => {
    for (const declared of [
      undefined,
      null,
      "",
      "application/octet-stream",
      "APPLICATION/Octet-Stream; x=1",
      "png",
      "*/*",
      "image/",
    ]) {
      expect(resolveUploadType(declared, PNG)).toEqual({ ok: true, type: "image/png", inline: true });
    }
    expect(resolveUploadType(undefined, HTML)).toEqual({ ok: true, type: "text/html", inline: false });
  });

  it("accepts a declared type equal to the detected one, ignoring case and parameters", () => {
    expect(resolveUploadType("IMAGE/PNG; name=x.png", PNG)).toEqual({ ok: true, type: "image/png", inline: true });
    expect(resolveUploadType("text/html; charset=utf-8", HTML)).toEqual({ ok: true, type: "text/html", inline: false });
    expect(resolveUploadType("application/zip", ZIP)).toEqual({ ok: true, type: "application/zip", inline: false });
    const svg = utf8("<svg xmlns='http://www.w3.org/2000/svg'/>");
    expect(resolveUploadType("image/svg+xml", svg)).toEqual({ ok: true, type: "image/svg+xml", inline: false });
  });

  it("lets plain text be stored as the Markdown, CSV or JSON it was declared as", () => {
    expect(resolveUploadType("text/markdown; charset=utf-8", utf8("# Title"))).toEqual({
      ok: true,
      type: "text/markdown",
      inline: true,
    });
    expect(resolveUploadType("text/csv", utf8("a,b\n1,2"))).toEqual({ ok: true, type: "text/csv", inline: true });
    expect(resolveUploadType("application/json", utf8('{"a":1}'))).toEqual({
      ok: true,
      type: "application/json",
      inline: true,
    });
    expect(resolveUploadType("text/plain", utf8("notes"))).toEqual({ ok: true, type: "text/plain", inline: true });
  });

  it("maps common non-standard names for the detected format instead of calling them a mismatch", () => {
    expect(resolveUploadType("application/x-zip-compressed", ZIP)).toMatchObject({ ok: true, type: "application/zip" });
    expect(resolveUploadType("image/x-png", PNG)).toMatchObject({ ok: true, type: "image/png" });
    expect(resolveUploadType("text/x-markdown", utf8("# T"))).toMatchObject({ ok: true, type: "text/markdown" });
    expect(resolveUploadType("text/xml", utf8("<?xml version='1.0'?><a/>"))).toMatchObject({
      ok: true,
      type: "application/xml",
    });
  });

  it.each([
    ["HTML declared as an image", "image/png", HTML, "text/html"],
    ["a PNG declared as HTML", "text/html", PNG, "image/png"],
    ["HTML declared as plain text", "text/plain", utf8("<html><body>"), "text/html"],
    ["SVG declared as plain text", "text/plain", utf8("<svg onload=alert(1)>"), "image/svg+xml"],
    ["XML declared as JSON", "application/json", utf8("<?xml version='1.0'?><a/>"), "application/xml"],
    ["plain text declared as HTML", "text/html", utf8("just words"), "text/plain"],
    ["plain text declared as an image", "image/jpeg", utf8("just words"), "text/plain"],
    ["a ZIP declared as a PNG", "image/png", ZIP, "application/zip"],
    ["a PNG declared as a JPEG", "image/jpeg", PNG, "image/png"],
  ])("refuses %s", (_, declared, head, detected) => {
    expect(resolveUploadType(declared, head)).toEqual({ ok: false, reason: "mismatch", detected });
  });

  it("refuses unknown binaries and empty files, whatever is declared", () => {
    const elf = Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
    expect(resolveUploadType(undefined, elf)).toEqual({
      ok: false,
      reason: "unsupported",
      detected: "application/octet-stream",
    });
    expect(resolveUploadType("application/octet-stream", Uint8Array.from([0, 1, 2, 3]))).toMatchObject({
      ok: false,
      reason: "unsupported",
    });
    expect(resolveUploadType("text/plain", new Uint8Array(0))).toEqual({
      ok: false,
      reason: "empty",
      detected: "application/x-empty",
    });
  });
});

describe("isInlineSafe", () => {
  it.each([
    // Raster images are shown; SVG can carry script.
    ["image/png", true],
    ["image/jpeg", true],
    ["image/gif", true],
    ["image/webp", true],
    ["image/bmp", true],
    ["image/avif", true],
    ["image/svg+xml", false],
    // Plain text and the refinements of it an upload may declare are shown; markup is not.
    ["text/plain", true],
    ["text/markdown", true],
    ["text/csv", true],
    ["application/json", true],
    ["text/html", false],
    ["application/xml", false],
    ["text/xml", false],
    ["application/xhtml+xml", false],
    // Audio and video the browser plays itself are shown; QuickTime is not.
    ["video/mp4", true],
    ["video/webm", true],
    ["audio/mpeg", true],
    ["audio/wav", true],
    ["audio/ogg", true],
    ["video/quicktime", false],
    // Documents, archives and unknown bytes are never shown.
    ["application/pdf", false],
    ["application/zip", false],
    ["application/gzip", false],
    ["application/octet-stream", false],
    // Case and parameters are ignored; anything that is not one media type is refused.
    ["Image/PNG; charset=binary", true],
    ["", false],
    ["image/png, text/html", false],
  ])("isInlineSafe(%j) is %s", (type, inline) => {
    expect(isInlineSafe(type)).toBe(inline);
  });
});

describe("isTextType", () => {
  it("knows which stored types are UTF-8 text", () => {
    for (const type of [
      "text/plain",
      "text/markdown",
      "text/csv",
      "application/json",
      "text/html",
      "application/xml",
    ]) {
      expect(isTextType(type)).toBe(true);
    }
    for (const type of ["image/svg+xml", "image/png", "application/pdf", "nonsense"])
      expect(isTextType(type)).toBe(false);
  });
});
