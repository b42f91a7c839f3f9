// Opaque cursors for keyset pagination.
export {
  type CursorCodec,
  type CursorCodecOptions,
  createCursorCodec,
  MAX_CURSOR_LENGTH,
  type Tuple,
} from "./cursor-codec";
