// One frame from a client, read with limits: size in UTF-8 bytes first, then JSON, then the frame schema.
import { type ClientFrame, ClientFrameSchema, MAX_FRAME_BYTES } from "./rooms.schema";

type FrameRead =
  | { kind: "frame"; frame: ClientFrame }
  /** Close the socket with 1009: nothing this large is read. */
  | { kind: "too-large" }
  /** Answer with an error frame (the socket stays open until too many of these). */
  | { kind: "refused"; code: "invalid-frame" | "binary-not-supported"; reason: string };

/**
 * Whether `text` takes more than `limit` bytes in UTF-8 (as it came over the wire; `length` counts UTF-16 units).
 * A unit is 1 to 3 bytes and a surrogate pair 4, so most frames are decided by their length alone; the rest are
 * counted only until they pass the limit.
 */
export function exceedsUtf8(text: string, limit: number): boolean {
  if (text.length > limit) return true;
  if (text.length * 3 <= limit) return false;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
    if (bytes > limit) return true;
  }
  return false;
}

export function readClientFrame(data: string | ArrayBuffer): FrameRead {
  if (typeof data !== "string") {
    if (data.byteLength > MAX_FRAME_BYTES) return { kind: "too-large" };
    return { kind: "refused", code: "binary-not-supported", reason: "Send text frames containing JSON" };
  }
  if (exceedsUtf8(data, MAX_FRAME_BYTES)) return { kind: "too-large" };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { kind: "refused", code: "invalid-frame", reason: "Frames must be JSON" };
  }
  const parsed = ClientFrameSchema.safeParse(json);
  if (parsed.success) return { kind: "frame", frame: parsed.data };
  const issue = parsed.error.issues[0];
  return {
    kind: "refused",
    code: "invalid-frame",
    reason: `${issue?.path.join(".") || "frame"}: ${issue?.message ?? "invalid"}`,
  };
}
