// What is inside an uploaded file, and how to serve it safely: sniffing, upload types, names, ranges.
export { type ByteRange, parseByteRange } from "./byte-range";
export { contentDisposition } from "./content-disposition";
export { sanitizeFileName } from "./file-name";
export { type ImageInfo, readImageInfo } from "./image-info";
export { looksLikeText } from "./looks-like-text";
export { type ContentFamily, type SniffResult, sniffContentType } from "./sniff-content-type";
export { isInlineSafe, isTextType, resolveUploadType, SNIFF_BYTES, type UploadTypeDecision } from "./upload-type";
