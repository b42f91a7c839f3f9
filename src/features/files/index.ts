// Front door of the files feature: search over analysed files (for the assistant), the routes, the queue
// consumer, the sweeper and the UserStats Durable Object.
export { type FileHit, FileSearch } from "./file-search";
export { sweepFiles } from "./file-sweeper";
export { fileEventHandlers, handleDeadLetters } from "./files.queue";
export { createFileRoutes } from "./files.routes";
export { createFilesAdminRoutes } from "./files-admin.routes";
export { isUploadPath, isUploadRequest } from "./upload-paths";
export { UserStats } from "./user-stats";
