// The files feature's expected failures, as problem+json errors with stable codes.
import { AppError } from "@outpost/edge-kit/errors";

export const fileErrors = {
  notFound: () => new AppError(404, "file-not-found", "No such file", { detail: "There is no file with this id" }),
  empty: () => new AppError(400, "empty-file", "The file is empty", { detail: "Upload at least one byte" }),
  lengthRequired: () =>
    new AppError(411, "length-required", "Content-Length required", {
      detail: "Send the file with a Content-Length header (browsers do this for File and Blob bodies)",
    }),
  tooLarge: (limit: number, what = "The file") =>
    new AppError(413, "file-too-large", "The file is too large", {
      detail: `${what} must not exceed ${limit} bytes`,
    }),
  quota: (quota: number, used: number) =>
    new AppError(413, "quota-exceeded", "Storage quota exceeded", {
      detail: `You use ${used} of your ${quota} bytes; delete files to make room`,
    }),
  type: (reason: "unsupported" | "mismatch", detected: string, declared: string | undefined) =>
    new AppError(
      415,
      reason === "mismatch" ? "file-type-mismatch" : "unsupported-file-type",
      "File type not accepted",
      {
        detail:
          reason === "mismatch"
            ? `The content looks like ${detected}, not ${declared ?? "what was declared"}`
            : `Files of type ${detected} are not accepted`,
      },
    ),
  lengthMismatch: (expected: number, received: number | null) =>
    new AppError(400, "body-length-mismatch", "The body does not match its length", {
      detail:
        received === null
          ? `Expected ${expected} bytes; the body ended or failed before them`
          : `Expected ${expected} bytes, received ${received}`,
    }),
  storage: (cause: unknown) =>
    new AppError(503, "storage-unavailable", "File storage is unavailable", {
      detail: "The file was not stored; try again shortly",
      headers: { "Retry-After": "5" },
      cause,
    }),
  notUploading: () =>
    new AppError(409, "upload-not-open", "The upload is not open", {
      detail: "This upload was completed, aborted or swept",
    }),
  badPart: (detail: string) => new AppError(400, "invalid-part", "The part is not valid", { detail }),
  partsMissing: (missing: number[]) =>
    new AppError(409, "parts-missing", "Parts are missing", {
      detail: `Upload parts ${missing.slice(0, 20).join(", ")}${missing.length > 20 ? ", …" : ""} before completing`,
    }),
  notReady: () =>
    new AppError(409, "file-not-ready", "The file is not stored yet", { detail: "Its upload has not finished" }),
  linkRefused: (detail: string) =>
    new AppError(403, "share-link-invalid", "This link does not open the file", { detail }),
};
