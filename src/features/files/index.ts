// Front door of the files feature: search over analysed files (for the assistant), the routes, the queue
// consumer, the sweeper and the UserStats Durable Object; and, for bench/upload-memory.mjs's bare Worker, the
// upload byte-stream helpers and the analysis, so it can measure them without the rest of Outpost.
export { forward, readHead, replay } from "./byte-stream";
export { analyseFile } from "./file-analysis";
export { serveContent } from "./file-content";
export { FileRepository } from "./file-repository";
export { type FileHit, FileSearch } from "./file-search";
export { sweepFiles } from "./file-sweeper";
export { fileEventHandlers, handleDeadLetters } from "./files.queue";
export { createFileRoutes } from "./files.routes";
export { createFilesAdminRoutes } from "./files-admin.routes";
export { isUploadPath, isUploadRequest } from "./upload-paths";
export { UserStats } from "./user-stats";
