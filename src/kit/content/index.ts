export { type ByteRange, parseByteRange } from "./byte-range";
export { contentDisposition } from "./content-disposition";
export { sanitizeFileName } from "./file-name";
export { type ImageInfo, readImageInfo } from "./image-info";
export { type ContentFamily, looksLikeText, type SniffResult, sniffContentType } from "./sniff-content-type";
export { isInlineSafe, isTextType, resolveUploadType, SNIFF_BYTES, type UploadTypeDecision } from "./upload-type";
