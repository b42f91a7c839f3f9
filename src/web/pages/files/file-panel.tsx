// One file's panel: its preview, details and analysis, with Download, Share (a dialog) and Delete. The file is fetched
// by id, so a link to /files?file=<id> opens it even when it is not among the files loaded in the list; an id that
// no longer exists says so instead of failing.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage, isNotFound } from "../../api";
import { describeType, formatBytes, formatDateTime } from "../../lib/format";
import { FileAnalysis } from "./file-analysis";
import { contentUrl, type FileView, hasContent, STATUS_TEXT } from "./file-kinds";
import { FilePreview } from "./file-preview";
import { fileQuery } from "./file-queries";
import { ShareDialog } from "./share-dialog";

export const PANEL_TITLE_ID = "file-panel-title";

function PanelHead({ title, onClose }: { title: string; onClose: () => void }) {
  return (
    <div className="panel-head">
      <h2 id={PANEL_TITLE_ID} tabIndex={-1}>
        {title}
      </h2>
      <button type="button" className="quiet small panel-close" onClick={onClose}>
        <span aria-hidden="true">← </span>
        Close<span className="sr-only"> file details</span>
      </button>
    </div>
  );
}

function FileDetails({
  file,
  onClose,
  onDelete,
}: {
  file: FileView;
  onClose: () => void;
  onDelete: (file: FileView) => void;
}) {
  const [sharing, setSharing] = useState(false);
  const stored = hasContent(file);
  return (
    <>
      <PanelHead title={file.name} onClose={onClose} />
      <div className="panel-preview">
        <FilePreview file={file} />
      </div>
      <div className="row wrap panel-actions">
        {stored && (
          <a className="button-link" href={contentUrl(file.id)} download={file.name}>
            Download<span className="sr-only"> {file.name}</span>
          </a>
        )}
        {stored && (
          <button type="button" onClick={() => setSharing(true)} aria-haspopup="dialog">
            Share
          </button>
        )}
        <button type="button" className="danger-quiet" onClick={() => onDelete(file)} aria-haspopup="dialog">
          {stored ? "Delete" : "Discard upload"}
        </button>
      </div>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{describeType(file.contentType, file.name)}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(file.size)}</dd>
        <dt>Uploaded</dt>
        <dd>
          <time dateTime={file.createdAt}>{formatDateTime(file.createdAt)}</time>
        </dd>
        <dt>Status</dt>
        <dd data-testid="file-panel-status">{STATUS_TEXT[file.status]}</dd>
      </dl>
      <section className="panel-analysis" aria-labelledby="file-analysis-heading" data-testid="file-details">
        <h3 id="file-analysis-heading">Analysis</h3>
        <FileAnalysis file={file} />
      </section>
      {stored && <ShareDialog file={file} open={sharing} onClose={() => setSharing(false)} />}
    </>
  );
}

export function FilePanel({
  id,
  onClose,
  onDelete,
}: {
  id: string;
  onClose: () => void;
  onDelete: (file: FileView) => void;
}) {
  const client = useQueryClient();
  const query = useQuery(fileQuery(id, client));
  if (query.data) return <FileDetails file={query.data} onClose={onClose} onDelete={onDelete} />;
  if (query.isError && isNotFound(query.error)) {
    return (
      <>
        <PanelHead title="File not found" onClose={onClose} />
        <div className="empty" data-testid="file-gone">
          <strong>This file no longer exists</strong>
          It may have been deleted, or the link is wrong.
        </div>
      </>
    );
  }
  if (query.isError) {
    return (
      <>
        <PanelHead title="File details" onClose={onClose} />
        <div role="alert" className="load-error">
          <p>This file could not be loaded. {errorMessage(query.error)}</p>
          <button type="button" onClick={() => void query.refetch()}>
            Retry
          </button>
        </div>
      </>
    );
  }
  return (
    <>
      <PanelHead title="Loading file…" onClose={onClose} />
      <div aria-busy="true">
        <span className="skeleton preview-skeleton" />
        <span className="skeleton" style={{ width: "60%" }} />
        <span className="skeleton" style={{ width: "45%" }} />
      </div>
    </>
  );
}
