// The files fixture: a file uploaded through the API in one request, and waiting for its analysis to finish.

/** Uploads `body` as `name` for `user`; answers the file (its `id`, `status`, …). */
export async function uploadFile(user, { name, type, body }) {
  return user.api("POST", `/api/files?name=${encodeURIComponent(name)}`, undefined, {
    raw: Buffer.isBuffer(body) ? body : Buffer.from(body),
    headers: { "Content-Type": type },
    expect: [201],
  });
}

/** Waits until the file's status is one of `statuses` (analysis runs on a queue); answers the file. */
export async function waitForFile(user, id, { statuses = ["ready"], timeoutMs = 45_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const file = await user.api("GET", `/api/files/${id}`);
    if (statuses.includes(file.status)) return file;
    if (Date.now() > deadline) throw new Error(`${file.name} is still ${file.status} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
