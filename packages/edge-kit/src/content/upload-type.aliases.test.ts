// Every non-standard name a browser or OS declares is taken for the format it names, and for nothing else.
import { describe, expect, it } from "vitest";
import { resolveUploadType } from ".";

const latin1 = (value: string) => Uint8Array.from(value, (char) => char.charCodeAt(0));
const bytes = (...parts: (number | string)[]) =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === "string" ? [...latin1(part)] : [part])));

const HEADS: Record<string, Uint8Array> = {
  "image/jpeg": bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16, "JFIF"),
  "image/png": bytes(0x89, "PNG\r\n\x1a\n", 0, 0, 0, 13, "IHDR"),
  "image/bmp": bytes("BM", 70, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0),
  "audio/mpeg": bytes("ID3", 4, 0, 0, 0, 0, 0, 0),
  "audio/wav": bytes("RIFF", 36, 0, 0, 0, "WAVEfmt "),
  "video/mp4": bytes(0, 0, 0, 24, "ftypisom", 0, 0, 2, 0, "isomiso2"),
  "video/webm": bytes(0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81),
  "application/zip": bytes("PK", 3, 4, 20, 0, 0, 0),
  "application/gzip": bytes(0x1f, 0x8b, 8, 0, 0, 0, 0, 0),
  "application/pdf": bytes("%PDF-1.7\n"),
  "application/xml": bytes('<?xml version="1.0"?><note/>'),
  "text/markdown": bytes("# Title\n\nSome text.\n"),
  "text/csv": bytes("a,b\n1,2\n"),
};

const ALIASES: [string, string][] = [
  ["image/jpg", "image/jpeg"],
  ["image/pjpeg", "image/jpeg"],
  ["image/x-png", "image/png"],
  ["image/x-bmp", "image/bmp"],
  ["image/x-ms-bmp", "image/bmp"],
  ["audio/mp3", "audio/mpeg"],
  ["audio/x-mp3", "audio/mpeg"],
  ["audio/mpeg3", "audio/mpeg"],
  ["audio/x-mpeg", "audio/mpeg"],
  ["audio/x-wav", "audio/wav"],
  ["audio/wave", "audio/wav"],
  ["audio/vnd.wave", "audio/wav"],
  ["audio/mp4", "video/mp4"],
  ["audio/x-m4a", "video/mp4"],
  ["video/x-m4v", "video/mp4"],
  ["audio/webm", "video/webm"],
  ["application/x-zip-compressed", "application/zip"],
  ["application/x-zip", "application/zip"],
  ["application/x-gzip", "application/gzip"],
  ["application/x-pdf", "application/pdf"],
  ["text/xml", "application/xml"],
  ["text/x-markdown", "text/markdown"],
  ["text/x-csv", "text/csv"],
];

describe("resolveUploadType: declared aliases", () => {
  it.each(ALIASES)("%s is taken for %s", (alias, standard) => {
    const head = HEADS[standard] ?? new Uint8Array();
    const decision = resolveUploadType(alias, head);
    expect(decision).toMatchObject({ ok: true, type: standard });
  });

  it.each(ALIASES)("%s on bytes of another format is a mismatch", (alias, standard) => {
    const other = standard === "image/png" ? "image/jpeg" : "image/png";
    expect(resolveUploadType(alias, HEADS[other] ?? new Uint8Array())).toMatchObject({ ok: false, reason: "mismatch" });
  });
});

describe("resolveUploadType: the smallest ISO media head", () => {
  it("takes a 12-byte ftyp box alone (size, type, major brand) for MP4, and 11 bytes for nothing", () => {
    const head = bytes(0, 0, 0, 12, "ftypisom");
    expect(head).toHaveLength(12);
    expect(resolveUploadType(undefined, head)).toEqual({ ok: true, type: "video/mp4", inline: true });
    expect(resolveUploadType("video/mp4", head.subarray(0, 11))).toMatchObject({ ok: false });
  });
});
