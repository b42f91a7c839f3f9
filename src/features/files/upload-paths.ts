// The two routes whose bodies are file bytes: exempt from the JSON body limit and JSON-only CSRF rule, not from the Origin check.

const PART_PATH = /^\/api\/files\/uploads\/[0-9a-f]{32}\/parts\/\d{1,5}$/;

export function isUploadRequest(method: string, path: string): boolean {
  return (method === "POST" && path === "/api/files") || (method === "PUT" && PART_PATH.test(path));
}

export function isUploadPath(path: string): boolean {
  return path === "/api/files" || PART_PATH.test(path);
}
