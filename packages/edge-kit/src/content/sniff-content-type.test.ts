// Tests for sniffContentType: magic numbers, text versus binary, and HTML/SVG/XML the way browsers sniff.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sniffContentType } from ".";

const utf8 = (value: string) => new TextEncoder().encode(value);
const latin1 = (value: string) => Uint8Array.from(value, (char) => char.charCodeAt(0));
const bytes = (...parts: (number | string)[]) =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === "string" ? [...latin1(part)] : [part])));

describe("sniffContentType: binary signatures", () => {
  it.each([
    ["PNG", bytes(0x89, "PNG\r\n\x1a\n", 0, 0, 0, 13, "IHDR"), "image/png", "image"],
    ["JPEG (JFIF)", bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16, "JFIF"), "image/jpeg", "image"],
    ["JPEG (Exif)", bytes(0xff, 0xd8, 0xff, 0xe1, 0, 16, "Exif"), "image/jpeg", "image"],
    ["GIF87a", bytes("GIF87a", 1, 0, 1, 0), "image/gif", "image"],
    ["GIF89a", bytes("GIF89a", 3, 0, 2, 0), "image/gif", "image"],
    ["WebP", bytes("RIFF", 26, 0, 0, 0, "WEBPVP8L"), "image/webp", "image"],
    ["BMP", bytes("BM", 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0), "image/bmp", "image"],
    ["AVIF", bytes(0, 0, 0, 28, "ftypavif", 0, 0, 0, 0, "avifmif1miaf"), "image/avif", "image"],
    ["PDF", bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3"), "application/pdf", "document"],
    ["ZIP", bytes("PK", 3, 4, 20, 0, 0, 0), "application/zip", "archive"],
    ["an empty ZIP", bytes("PK", 5, 6, ...new Array<number>(18).fill(0)), "application/zip", "archive"],
    ["gzip", bytes(0x1f, 0x8b, 8, 0, 0, 0, 0, 0), "application/gzip", "archive"],
    ["MP4 (isom)", bytes(0, 0, 0, 24, "ftypisom", 0, 0, 2, 0, "isomiso2"), "video/mp4", "video"],
    ["MP4 (mp42)", bytes(0, 0, 0, 20, "ftypmp42", 0, 0, 0, 0, "mp41"), "video/mp4", "video"],
    ["MP4 (M4V)", bytes(0, 0, 0, 20, "ftypM4V ", 0, 0, 0, 1, "M4V "), "video/mp4", "video"],
    ["MP4 (dash)", bytes(0, 0, 0, 24, "ftypdash", 0, 0, 0, 0, "iso6mp41"), "video/mp4", "video"],
    ["MP4 by compatible brand", bytes(0, 0, 0, 24, "ftypXAVC", 0, 0, 0, 0, "XAVCmp42"), "video/mp4", "video"],
    ["QuickTime", bytes(0, 0, 0, 20, "ftypqt  ", 0, 0, 2, 0, "qt  "), "video/quicktime", "video"],
    ["WebM (EBML)", bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81), "video/webm", "video"],
    ["MP3 with ID3", bytes("ID3", 4, 0, 0, 0, 0, 0, 0), "audio/mpeg", "audio"],
    ["MP3 frame (FF FB)", bytes(0xff, 0xfb, 0x90, 0x64), "audio/mpeg", "audio"],
    ["MP3 frame (FF F3)", bytes(0xff, 0xf3, 0x90, 0x64), "audio/mpeg", "audio"],
    ["MP3 frame (FF F2)", bytes(0xff, 0xf2, 0x90, 0x64), "audio/mpeg", "audio"],
    ["WAV", bytes("RIFF", 36, 0, 0, 0, "WAVEfmt "), "audio/wav", "audio"],
    ["Ogg", bytes("OggS", 0, 2, 0, 0), "audio/ogg", "audio"],
  ])("%s → %s", (_, head, type, family) => {
    expect(sniffContentType(head)).toEqual({ type, family });
  });

  it("does not take text that merely starts like a signature for binary", () => {
    // "BM" then a DIB header size of 40 would need NUL bytes, which text never has.
    expect(sniffContentType(utf8("BMW owners club (founded 1972)"))).toEqual({ type: "text/plain", family: "text" });
    // "ftyp" at offset 4 with a box size no real ftyp box has.
    expect(sniffContentType(utf8("abcdftypisom is not a video"))).toEqual({ type: "text/plain", family: "text" });
  });

  it("lets printable signatures win over text, as browsers do", () => {
    expect(sniffContentType(utf8("ID3 tags are metadata"))).toEqual({ type: "audio/mpeg", family: "audio" });
    expect(sniffContentType(utf8("%PDF-1.4 in a text file"))).toEqual({ type: "application/pdf", family: "document" });
  });

  it("calls unknown binaries and other ISO media (HEIC) unknown, and no bytes empty", () => {
    const heic = bytes(0, 0, 0, 24, "ftypheic", 0, 0, 0, 0, "mif1heic");
    expect(sniffContentType(heic)).toEqual({ type: "application/octet-stream", family: "unknown" });
    expect(sniffContentType(bytes(0x7f, "ELF", 2, 1, 1, 0))).toEqual({
      type: "application/octet-stream",
      family: "unknown",
    });
    expect(sniffContentType(bytes("RIFF", 0, 0, 0, 0, "AVI LIST"))).toMatchObject({ family: "unknown" });
    expect(sniffContentType(new Uint8Array(0))).toEqual({ type: "application/x-empty", family: "unknown" });
  });
});

describe("sniffContentType: text", () => {
  it.each([
    ["<!DOCTYPE html><p>x", "text/html"],
    ["<!doctype HTML>", "text/html"],
    ["  \n\t<html lang=en>", "text/html"],
    ["\uFEFF<script>alert(1)</script>", "text/html"],
    ["<HEAD>", "text/html"],
    ["<iframe src=x>", "text/html"],
    ["<h1>Title</h1>", "text/html"],
    ["<DIV class=a>", "text/html"],
    ["<font color=red>", "text/html"],
    ["<table>", "text/html"],
    ['<a href="x">link</a>', "text/html"],
    ["<style>body{}</style>", "text/html"],
    ["<title>x</title>", "text/html"],
    ["<b>bold</b>", "text/html"],
    ["<body onload=x()>", "text/html"],
    ["<br>", "text/html"],
    ["<p>para", "text/html"],
    ["<!-- note --><div>", "text/html"],
    ["<!--x-->", "text/html"],
    ["<!DOCTYPE html><svg></svg>", "text/html"],
    ["<!-- c --><!DOCTYPE html><svg></svg>", "text/html"],
    ["<abbr>not an HTML signature</abbr>", "text/plain"],
    ["<bx>", "text/plain"],
    ["<svg width='1'></svg>", "image/svg+xml"],
    ["<SVG/>", "image/svg+xml"],
    ["<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>", "image/svg+xml"],
    ['<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"],
    [
      '<?xml version="1.0"?>\n<!-- Generator: Editor -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg>',
      "image/svg+xml",
    ],
    ["<!-- made by hand --><svg viewBox='0 0 1 1'>", "image/svg+xml"],
    ['<!DOCTYPE svg [ <!ENTITY a "<b>"> ]><svg>', "image/svg+xml"],
    ['<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>', "application/xml"],
    ["<?XML version='1.0'?><root/>", "application/xml"],
    ["Plain notes, with <html> and <svg> later", "text/plain"],
    ['{"json": true}', "text/plain"],
    ["a,b\n1,2\n", "text/plain"],
    ["# Markdown\n\n<div>later</div>", "text/plain"],
    ["héllo wörld — 日本語", "text/plain"],
    ["<svgfoo>", "text/plain"],
  ])("%j → %s", (value, type) => {
    const result = sniffContentType(utf8(value));
    expect(result).toEqual({ type, family: type === "image/svg+xml" ? "image" : "text" });
  });

  it("skips any amount of leading whitespace before deciding it is HTML", () => {
    expect(sniffContentType(utf8(`${" \n".repeat(1_500)}<script>x</script>`)).type).toBe("text/html");
  });

  it("looks for an <svg> root within the first KiB of markup only", () => {
    const comment = `<!--${"x".repeat(2_000)}-->`;
    expect(sniffContentType(utf8(`<?xml version="1.0"?>${comment}<svg>`)).type).toBe("application/xml");
    expect(sniffContentType(utf8(`<?xml version="1.0"?><!-- short --><svg>`)).type).toBe("image/svg+xml");
  });

  it("treats a multi-byte character cut at the end of the sample as text, and control bytes as binary", () => {
    const cut = utf8("caf\u00e9 au lait \u65e5").subarray(0, -1);
    expect(sniffContentType(cut)).toEqual({ type: "text/plain", family: "text" });
    expect(sniffContentType(bytes("h", 0, "i"))).toEqual({ type: "application/octet-stream", family: "unknown" });
    expect(sniffContentType(bytes("<html>", 0))).toMatchObject({ family: "unknown" });
    expect(sniffContentType(bytes("h", 0xc3, "("))).toMatchObject({ family: "unknown" });
  });

  it("never throws on arbitrary bytes, and names a family for every type", () => {
    const families = new Set(["image", "video", "audio", "document", "archive", "text", "unknown"]);
    const markupish = fc
      .array(fc.constantFrom("<", ">", "!--", "-->", "?", "svg", "html", "!doctype", " ", "\n", "x", "é", "\0"))
      .map((parts) => utf8(parts.join("")));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), markupish), (head) => {
        const result = sniffContentType(head);
        expect(families.has(result.family)).toBe(true);
        expect(result.type).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
      }),
      { seed: 11, numRuns: 2_000 },
    );
  });

  it("calls any text free of binary controls and not starting with '<' text/plain", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (value) => {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the bytes that mean binary
        const clean = value.replace(/[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f]/g, "");
        fc.pre(!/^[\s\uFEFF]*</.test(clean) && clean.length > 0 && !/^(ID3|OggS|%PDF-|GIF8)/.test(clean));
        expect(sniffContentType(utf8(clean))).toEqual({ type: "text/plain", family: "text" });
      }),
      { seed: 29, numRuns: 1_000 },
    );
  });
});
