// The files page's server state in TanStack Query: my files page by page, one file by id, its share links and a
// text preview; deleting a file (optimistic, rolled back on failure) and the cache edits uploads make.
import {
  type InfiniteData,
  infiniteQueryOptions,
  type QueryClient,
  queryOptions,
  useMutation,
  useQueryClient,
} from "@tanstack/react-query";
import { api, isNotFound, ok } from "../../api";
import { contentUrl, type FileView, isTransient } from "./file-kinds";

export const PAGE_SIZE = 50;
/** How often files that are still uploading or being analysed are asked about again. */
export const POLL_MS = 2_000;
/** The first bytes of a text file shown as its preview. */
export const PREVIEW_BYTES = 2_048;

export const fileKeys = {
  all: ["files"] as const,
  list: ["files", "list"] as const,
  one: (id: string) => ["files", "one", id] as const,
  links: (id: string) => ["files", "links", id] as const,
  preview: (id: string) => ["files", "preview", id] as const,
};

type FilePage = { files: FileView[]; nextCursor: string | null };
export type FilePages = InfiniteData<FilePage, string | null>;

export const filesListQuery = infiniteQueryOptions({
  queryKey: fileKeys.list,
  queryFn: ({ pageParam, signal }) =>
    ok(api.GET("/api/files", { params: { query: { limit: PAGE_SIZE, cursor: pageParam ?? undefined } }, signal })),
  initialPageParam: null as string | null,
  getNextPageParam: (last) => last.nextCursor,
  // Poll while anything is still moving (uploads finishing, analysis running); stop once every file has settled.
  refetchInterval: (query) => (query.state.data?.pages.some((page) => page.files.some(isTransient)) ? POLL_MS : false),
});

/** Every loaded file, newest first, each once (a file can move between pages while they load). */
export function loadedFiles(data: { pages: FilePage[] } | undefined): FileView[] {
  const seen = new Set<string>();
  const out: FileView[] = [];
  for (const page of data?.pages ?? []) {
    for (const file of page.files) {
      if (seen.has(file.id)) continue;
      seen.add(file.id);
      out.push(file);
    }
  }
  return out;
}

export function fileQuery(id: string, client: QueryClient) {
  return queryOptions<FileView, Error, FileView, ReturnType<typeof fileKeys.one>>({
    queryKey: fileKeys.one(id),
    queryFn: ({ signal }): Promise<FileView> => ok(api.GET("/api/files/{id}", { params: { path: { id } }, signal })),
    // Shown at once from the list when it is there; fetched by id either way (a citation may link to any file).
    placeholderData: (): FileView | undefined =>
      loadedFiles(client.getQueryData<FilePages>(fileKeys.list)).find((f) => f.id === id),
    refetchInterval: (query) => (query.state.data && isTransient(query.state.data) ? POLL_MS : false),
    retry: (count, error) => !isNotFound(error) && count < 2,
  });
}

export function linksQuery(id: string) {
  return queryOptions({
    queryKey: fileKeys.links(id),
    queryFn: async ({ signal }) =>
      (await ok(api.GET("/api/files/{id}/links", { params: { path: { id } }, signal }))).links,
  });
}

/** The first PREVIEW_BYTES of a text file, as a byte range; null when the server does not give them. */
export function previewQuery(id: string) {
  return queryOptions({
    queryKey: fileKeys.preview(id),
    queryFn: async ({ signal }) => {
      const res = await fetch(contentUrl(id), {
        headers: { Range: `bytes=0-${PREVIEW_BYTES - 1}` },
        credentials: "same-origin",
        signal,
      });
      return res.ok ? res.text() : null;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The list with `change` applied to every loaded page. */
function editPages(client: QueryClient, change: (files: FileView[], index: number) => FileView[]) {
  client.setQueryData<FilePages>(fileKeys.list, (data) =>
    data ? { ...data, pages: data.pages.map((page, i) => ({ ...page, files: change(page.files, i) })) } : data,
  );
}

/** Puts a just-uploaded file at the top of the list at once; the refetch that follows brings its status. */
export function addUploaded(client: QueryClient, file: FileView) {
  editPages(client, (files, i) => (i === 0 && !files.some((f) => f.id === file.id) ? [file, ...files] : files));
  void client.invalidateQueries({ queryKey: fileKeys.list });
}

/**
 * Deletes a file (or discards an upload that never finished): it leaves the list at once and comes back if
 * the server refuses. `onFailed` gets the file and the error to say so as a sentence.
 */
export function useDeleteFile(onFailed: (file: FileView, error: unknown) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (file: FileView) => {
      const path = { params: { path: { id: file.id } } };
      try {
        if (file.status === "uploading") await ok(api.DELETE("/api/files/uploads/{id}", path));
        else await ok(api.DELETE("/api/files/{id}", path));
      } catch (e) {
        // Already gone is what was asked for.
        if (!isNotFound(e)) throw e;
      }
    },
    onMutate: async (file) => {
      await client.cancelQueries({ queryKey: fileKeys.list });
      const previous = client.getQueryData<FilePages>(fileKeys.list);
      editPages(client, (files) => files.filter((f) => f.id !== file.id));
      return { previous };
    },
    onError: (error, file, context) => {
      if (context?.previous) client.setQueryData(fileKeys.list, context.previous);
      onFailed(file, error);
    },
    onSuccess: (_data, file) => {
      client.removeQueries({ queryKey: fileKeys.one(file.id) });
      client.removeQueries({ queryKey: fileKeys.links(file.id) });
      client.removeQueries({ queryKey: fileKeys.preview(file.id) });
    },
    onSettled: () => client.invalidateQueries({ queryKey: fileKeys.list }),
  });
}
