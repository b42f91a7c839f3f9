// The files a message being written will carry: uploaded from the composer (with progress; lib/uploader.ts does
// the transfer), pasted images, or picked from my files. Each is a chip until the message goes.
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { MAX_ATTACHMENTS } from "../../../features/rooms/rooms.schema";
import { errorText, isAbort, uploadFile } from "../../lib/uploader";
import { fileKeys } from "../files/file-queries";

export interface Chip {
  key: string;
  name: string;
  size: number;
  contentType: string;
  /** Set once the file is stored (uploaded, or picked from my files). */
  fileId: string | null;
  /** 0…1 while uploading. */
  progress: number;
  status: "uploading" | "ready" | "failed";
  error?: string;
}

/** A pasted image has no useful name: "pasted-2026-12-02-1705.png". */
export function pastedName(type: string, at: Date = new Date()): string {
  const ext =
    type
      .split("/")[1]
      ?.replace("jpeg", "jpg")
      .replace(/[^a-z0-9]/g, "") || "png";
  const stamp = at.toISOString().slice(0, 16).replace("T", "-").replace(":", "");
  return `pasted-${stamp}.${ext}`;
}

let counter = 0;

export function useAttachments() {
  const queryClient = useQueryClient();
  const [chips, setChips] = useState<Chip[]>([]);
  const chipsRef = useRef(chips);
  chipsRef.current = chips;
  const aborts = useRef(new Map<string, AbortController>());
  const [limitNotice, setLimitNotice] = useState<string | null>(null);

  useEffect(() => {
    const current = aborts.current;
    return () => {
      for (const controller of current.values()) controller.abort();
    };
  }, []);

  const patch = useCallback((key: string, change: Partial<Chip>) => {
    setChips((all) => all.map((c) => (c.key === key ? { ...c, ...change } : c)));
  }, []);

  /** Room left for more chips; says so when a pick goes past the limit. */
  const spaceFor = useCallback((adding: number, current: number) => {
    const left = MAX_ATTACHMENTS - current;
    setLimitNotice(adding > left ? `A message can carry at most ${MAX_ATTACHMENTS} files.` : null);
    return Math.max(0, left);
  }, []);

  const upload = useCallback(
    (files: File[]) => {
      // Side effects (the uploads) stay out of the state updater: React may run an updater twice.
      const take = files.slice(0, spaceFor(files.length, chipsRef.current.length));
      const added = take.map((file): Chip => {
        const key = `u${++counter}`;
        const controller = new AbortController();
        aborts.current.set(key, controller);
        void uploadFile(file, {
          signal: controller.signal,
          onProgress: (sent, total) => patch(key, { progress: total > 0 ? sent / total : 1 }),
        })
          .then((stored) => {
            patch(key, { fileId: stored.id, status: "ready", progress: 1, contentType: stored.contentType });
            void queryClient.invalidateQueries({ queryKey: fileKeys.all });
          })
          .catch((e) => {
            if (!isAbort(e)) patch(key, { status: "failed", error: errorText(e) });
          })
          .finally(() => aborts.current.delete(key));
        return {
          key,
          name: file.name,
          size: file.size,
          contentType: file.type,
          fileId: null,
          progress: 0,
          status: "uploading",
        };
      });
      chipsRef.current = [...chipsRef.current, ...added];
      setChips((all) => [...all, ...added]);
    },
    [patch, queryClient, spaceFor],
  );

  const pick = useCallback(
    (file: { id: string; name: string; size: number; contentType: string }) => {
      const all = chipsRef.current;
      if (all.some((c) => c.fileId === file.id) || spaceFor(1, all.length) < 1) return;
      const chip: Chip = { ...file, key: `f${file.id}`, fileId: file.id, progress: 1, status: "ready" };
      chipsRef.current = [...all, chip];
      setChips((current) => [...current, chip]);
    },
    [spaceFor],
  );

  const remove = useCallback((key: string) => {
    aborts.current.get(key)?.abort();
    aborts.current.delete(key);
    setChips((all) => all.filter((c) => c.key !== key));
    setLimitNotice(null);
  }, []);

  const clear = useCallback(() => {
    setChips([]);
    setLimitNotice(null);
  }, []);

  return {
    chips,
    limitNotice,
    upload,
    pick,
    remove,
    clear,
    uploading: chips.some((c) => c.status === "uploading"),
    ready: chips.filter((c) => c.status === "ready" && c.fileId !== null),
  };
}
