// The two routes whose bodies are file bytes: exempt from the JSON body limit and JSON-only CSRF rule, not from the Origin check.

// Any one segment: the route itself answers a part number that is not plain decimal with 400, for cookie and
// bearer clients alike (a narrower pattern here turned `parts/0x3` into a 415 for cookies only).
const PART_PATH = /^\/api\/files\/uploads\/[0-9a-f]{32}\/parts\/[^/]{1,64}$/;

export function isUploadRequest(method: string, path: string): boolean {
  return (method === "POST" && path === "/api/files") || (method === "PUT" && PART_PATH.test(path));
}

export function isUploadPath(path: string): boolean {
  return path === "/api/files" || PART_PATH.test(path);
}
