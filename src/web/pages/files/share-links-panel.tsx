// Sharing one file: create a link that lasts an hour, a day or a week (its URL shown once), copy it, revoke links.
import { useCallback, useEffect, useState } from "react";
import type { FileView, ShareLinkView } from "../../../features/files/files.schema";
import { type Result, ResultMessage } from "../../components/result-message";
import { api, request } from "../../lib/api";
import { formatTime } from "../../lib/format";
import { errorText } from "../../lib/uploader";

const EXPIRY_CHOICES = [
  { label: "1 hour", seconds: 3_600 },
  { label: "1 day", seconds: 86_400 },
  { label: "7 days", seconds: 604_800 },
];

export function ShareLinksPanel({ file }: { file: FileView }) {
  const [links, setLinks] = useState<ShareLinkView[] | null>(null);
  const [created, setCreated] = useState<ShareLinkView | null>(null);
  const [expiry, setExpiry] = useState(86_400);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Result | null>(null);
  const load = useCallback(async () => {
    setLinks((await api<{ links: ShareLinkView[] }>(`/api/files/${file.id}/links`)).links);
  }, [file.id]);
  useEffect(() => {
    load().catch((e: unknown) => setMessage({ ok: false, text: errorText(e) }));
  }, [load]);
  const run = async (action: () => Promise<string | null>) => {
    setBusy(true);
    setMessage(null);
    try {
      const text = await action();
      if (text) setMessage({ ok: true, text });
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  const share = () =>
    run(async () => {
      const link = await api<ShareLinkView>(`/api/files/${file.id}/links`, {
        method: "POST",
        body: JSON.stringify({ expiresInSeconds: expiry }),
      });
      // The URL is shown only once: keep it on screen even if the list fails to refresh.
      setCreated(link);
      await load().catch(() => {});
      return null;
    });
  const revoke = (id: string) =>
    run(async () => {
      await request(`/api/files/${file.id}/links/${id}`, "DELETE");
      if (created?.id === id) setCreated(null);
      await load();
      return "Link revoked: it no longer opens the file.";
    });
  const copy = (url: string) =>
    run(async () => {
      try {
        await navigator.clipboard.writeText(url);
      } catch {
        throw new Error("Copying was not allowed: select the link and copy it by hand.");
      }
      return "Link copied.";
    });
  const selectId = `expiry-${file.id}`;
  const urlId = `share-url-${file.id}`;
  return (
    <section className="stack" aria-label={`Sharing ${file.name}`}>
      <div className="row wrap">
        <label htmlFor={selectId}>Link lasts</label>
        <select id={selectId} value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
          {EXPIRY_CHOICES.map((c) => (
            <option key={c.seconds} value={c.seconds}>
              {c.label}
            </option>
          ))}
        </select>
        <button type="button" disabled={busy} onClick={() => void share()}>
          Create share link
        </button>
      </div>
      {created?.url && (
        <div className="stack">
          <label htmlFor={urlId}>Share link (shown once; anyone with it can open the file)</label>
          <div className="row">
            <input
              id={urlId}
              className="grow"
              readOnly
              value={created.url}
              data-testid="share-url"
              onFocus={(e) => e.currentTarget.select()}
            />
            <button type="button" onClick={() => void copy(created.url ?? "")}>
              Copy
            </button>
          </div>
          <p className="hint" data-testid="share-expiry">
            Expires {formatTime(created.expiresAt)}.
          </p>
        </div>
      )}
      <ResultMessage result={message} />
      {links && links.length > 0 && (
        <ul className="list" aria-label="Share links">
          {links.map((link) => (
            <li key={link.id} className="row spread wrap">
              <span className="hint">
                Link created {formatTime(link.createdAt)} ·{" "}
                {link.revoked
                  ? "revoked"
                  : Date.parse(link.expiresAt) < Date.now()
                    ? "expired"
                    : `expires ${formatTime(link.expiresAt)}`}
              </span>
              {!link.revoked && Date.parse(link.expiresAt) >= Date.now() && (
                <button type="button" disabled={busy} onClick={() => void revoke(link.id)}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {links?.length === 0 && <p className="hint">No share links yet.</p>}
    </section>
  );
}
