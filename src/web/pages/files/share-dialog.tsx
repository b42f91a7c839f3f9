// Sharing one file, in a native modal <dialog>: create a link that lasts an hour, a day or a week (its URL is shown
// once, with Copy), and the file's links with their expiry; revoking one is asked first and takes effect at once.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { api, errorMessage, ok } from "../../api";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { ErrorAlert } from "../../components/error-alert";
import { formatDateTime, formatFromNow } from "../../lib/format";
import type { FileView, ShareLink } from "./file-kinds";
import { fileKeys, linksQuery } from "./file-queries";

/** The server allows 1 minute to SHARE_LINK_MAX_SECONDS (7 days unless configured otherwise). */
const EXPIRY_CHOICES = [
  { label: "1 hour", seconds: 3_600 },
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 604_800 },
];

function linkState(link: ShareLink): string {
  if (link.revoked) return "Revoked";
  const when = formatFromNow(link.expiresAt);
  return Date.parse(link.expiresAt) < Date.now() ? `Expired ${when}` : `Expires ${when}`;
}

const isLive = (link: ShareLink) => !link.revoked && Date.parse(link.expiresAt) >= Date.now();

function CreatedLink({ link }: { link: ShareLink }) {
  const input = useRef<HTMLInputElement>(null);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const urlId = useId();
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link.url ?? "");
      setCopied(true);
      setNote({ ok: true, text: "Link copied." });
    } catch {
      // No clipboard access (an insecure origin, a refused permission): select the text for a manual copy.
      input.current?.focus();
      input.current?.select();
      setNote({ ok: false, text: "Copying was not allowed here. The link is selected: press Ctrl+C (⌘C on a Mac)." });
    }
  };
  return (
    <div className="share-created stack">
      <label htmlFor={urlId}>New link: copy it now, it is shown only once</label>
      <div className="row">
        <input
          id={urlId}
          ref={input}
          className="grow"
          readOnly
          value={link.url ?? ""}
          data-testid="share-url"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
          <span className="sr-only"> link</span>
        </button>
      </div>
      <p className="hint" data-testid="share-expiry">
        Expires {formatFromNow(link.expiresAt)} ({formatDateTime(link.expiresAt)}).
      </p>
      <p role="status" className={note?.ok === false ? "hint" : "ok"}>
        {note?.text}
      </p>
    </div>
  );
}

export function ShareDialog({ file, open, onClose }: { file: FileView; open: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const expiryId = useId();
  const [expiry, setExpiry] = useState(86_400);
  const [created, setCreated] = useState<ShareLink | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ShareLink | null>(null);
  const links = useQuery({ ...linksQuery(file.id), enabled: open });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    else if (!open && dialog.open) dialog.close();
  }, [open]);

  const create = useMutation({
    mutationFn: (seconds: number) =>
      ok(
        api.POST("/api/files/{id}/links", {
          params: { path: { id: file.id } },
          body: { expiresInSeconds: seconds },
        }),
      ),
    onMutate: () => setError(null),
    onSuccess: (link) => {
      // The URL is shown only once: keep it on screen even if the list fails to refresh.
      setCreated(link);
      void client.invalidateQueries({ queryKey: fileKeys.links(file.id) });
    },
    onError: (e) => setError(`The link was not created. ${errorMessage(e)}`),
  });

  const revoke = useMutation({
    mutationFn: (link: ShareLink) =>
      ok(api.DELETE("/api/files/{id}/links/{linkId}", { params: { path: { id: file.id, linkId: link.id } } })),
    onMutate: async (link) => {
      setError(null);
      const key = fileKeys.links(file.id);
      await client.cancelQueries({ queryKey: key });
      const previous = client.getQueryData<ShareLink[]>(key);
      client.setQueryData<ShareLink[]>(key, (list) =>
        list?.map((l) => (l.id === link.id ? { ...l, revoked: true } : l)),
      );
      if (created?.id === link.id) setCreated(null);
      return { previous };
    },
    onError: (e, _link, context) => {
      if (context?.previous) client.setQueryData(fileKeys.links(file.id), context.previous);
      setError(`The link was not revoked: it still opens the file. ${errorMessage(e)}`);
    },
    onSettled: () => client.invalidateQueries({ queryKey: fileKeys.links(file.id) }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(expiry);
  };

  const list = links.data;
  return (
    <>
      <dialog
        ref={ref}
        className="share-dialog"
        aria-labelledby={titleId}
        onClose={(e) => {
          if (e.target === e.currentTarget) onClose();
        }}
      >
        <h2 id={titleId} className="share-title">
          Share <span className="truncate">{file.name}</span>
        </h2>
        <p className="hint">
          Anyone with a link can open this file without signing in, until the link expires or you revoke it.
        </p>
        <form className="row wrap share-form" onSubmit={submit}>
          <label htmlFor={expiryId}>Link lasts</label>
          <select id={expiryId} value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </select>
          <button type="submit" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create share link"}
          </button>
        </form>
        {created?.url && <CreatedLink key={created.id} link={created} />}
        <ErrorAlert text={error} />
        <h3 className="share-links-heading">Links to this file</h3>
        {links.isPending && links.fetchStatus !== "idle" && (
          <p aria-busy="true">
            <span className="sr-only">Loading links…</span>
            <span className="skeleton" aria-hidden="true" />
          </p>
        )}
        {links.isError && (
          <p role="alert" className="error">
            The links could not be loaded. {errorMessage(links.error)}{" "}
            <button type="button" className="link" onClick={() => void links.refetch()}>
              Retry
            </button>
          </p>
        )}
        {list?.length === 0 && <p className="hint">No share links yet.</p>}
        {list && list.length > 0 && (
          <ul className="share-links" aria-label="Share links">
            {list.map((link) => (
              <li key={link.id} className={isLive(link) ? undefined : "inactive"}>
                <span className="grow share-link-text">
                  <span className="share-link-state">
                    {linkState(link)}
                    {!link.revoked && <span className="hint"> ({formatDateTime(link.expiresAt)})</span>}
                  </span>
                  <span className="hint">Created {formatDateTime(link.createdAt)}</span>
                </span>
                {isLive(link) && (
                  <button type="button" className="small danger-quiet" onClick={() => setRevoking(link)}>
                    Revoke<span className="sr-only"> link created {formatDateTime(link.createdAt)}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        <form method="dialog" className="actions">
          <button type="submit">Done</button>
        </form>
      </dialog>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this link?"
        confirmLabel="Revoke"
        onCancel={() => setRevoking(null)}
        onConfirm={() => {
          if (revoking) revoke.mutate(revoking);
          setRevoking(null);
        }}
      >
        <p>Anyone who has it will no longer be able to open {file.name}. This cannot be undone.</p>
      </ConfirmDialog>
    </>
  );
}
