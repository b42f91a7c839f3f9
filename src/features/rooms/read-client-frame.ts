// One frame from a client, read with limits: size first, then JSON, then the frame schema.
import { type ClientFrame, ClientFrameSchema, MAX_FRAME_BYTES } from "./rooms.schema";

type FrameRead =
  | { kind: "frame"; frame: ClientFrame }
  /** Close the socket with 1009: nothing this large is read. */
  | { kind: "too-large" }
  /** Answer with an error frame (the socket stays open until too many of these). */
  | { kind: "refused"; code: "invalid-frame" | "binary-not-supported"; reason: string };

export function readClientFrame(data: string | ArrayBuffer): FrameRead {
  if (typeof data !== "string") {
    if (data.byteLength > MAX_FRAME_BYTES) return { kind: "too-large" };
    return { kind: "refused", code: "binary-not-supported", reason: "Send text frames containing JSON" };
  }
  if (data.length > MAX_FRAME_BYTES) return { kind: "too-large" };
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
