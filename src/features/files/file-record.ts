// A file as the server sees it (owner, object key, multipart state), and the part of it a client may see.
import { z } from "@hono/zod-openapi";
import { FileAnalysisSchema, type FileStatus, type FileView } from "./files.schema";

export type StoredStatus = FileStatus | "deleting";

/** A file as the server sees it: the public view plus owner, object key and multipart state. */
export const FileRecordSchema = z.object({
  id: z.string(),
  ownerId: z.string(),
  objectKey: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string().nullable(),
  status: z.enum(["uploading", "stored", "analysing", "ready", "failed", "skipped", "deleting"]),
  uploadMode: z.enum(["single", "multipart"]),
  multipartId: z.string().nullable(),
  partSize: z.number().nullable(),
  analysis: FileAnalysisSchema.nullable(),
  error: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type FileRecord = z.infer<typeof FileRecordSchema>;

/** What a client may see of a file: no owner, no object key, no multipart internals. */
export function toView(record: FileRecord): FileView {
  return {
    id: record.id,
    name: record.name,
    contentType: record.contentType,
    size: record.size,
    sha256: record.sha256,
    status: record.status === "deleting" ? "failed" : record.status,
    uploadMode: record.uploadMode,
    analysis: record.analysis,
    error: record.error,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
