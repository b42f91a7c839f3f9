// What the files routes take from a request: the signed-in caller, their upload context, a file they may see.
import { errors } from "@outpost/edge-kit/errors";
import type { Context } from "hono";
import type { AppEnv, Principal } from "../../http/app-env";
import { currentAccount } from "../auth";
import { cachedFile } from "./file-cache";
import { fileErrors } from "./file-errors";
import type { FileRecord } from "./file-record";
import type { UploadContext } from "./file-upload";

/** The signed-in caller (the guard has already refused anyone else). */
export function caller(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw errors.unauthorized();
  return principal;
}

export function uploadContext(c: Context<AppEnv>): UploadContext {
  return {
    env: c.env,
    ownerId: caller(c).userId,
    logger: c.get("logger"),
    defer: (promise) => c.executionCtx.waitUntil(promise),
  };
}

/**
 * The file if the caller may see it: its owner, or an administrator (role re-read from D1). Anyone else
 * gets the same 404 as for a file that does not exist, so ids reveal nothing. The cached record carries
 * its owner, so a warm cache is checked exactly like a cold one.
 */
export async function visibleFile(c: Context<AppEnv>, id: string): Promise<FileRecord> {
  const principal = caller(c);
  const record = await cachedFile(c.env, id, (promise) => c.executionCtx.waitUntil(promise));
  if (!record || record.status === "deleting") throw fileErrors.notFound();
  if (record.ownerId !== principal.userId) {
    const account = principal.role === "admin" ? await currentAccount(c) : null;
    if (account?.role !== "admin") throw fileErrors.notFound();
  }
  return record;
}
