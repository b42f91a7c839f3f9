// What the pipeline found in a file: a text's summary and keywords, an image's size and labels, or why there is none.
import type { FileView } from "./file-kinds";

export function FileAnalysis({ file }: { file: FileView }) {
  const a = file.analysis;
  if (file.status === "failed") return <p className="error">{file.error ?? "The analysis failed."}</p>;
  if (!a) {
    return <p className="hint">{file.status === "uploading" ? "The upload has not finished." : "No analysis yet."}</p>;
  }
  const origin = a.generative ? `by ${a.provider}` : "computed offline, not by a model";
  if (a.kind === "text") {
    return (
      <div className="stack">
        <p data-testid="summary">
          <strong>Summary</strong> <span className="hint">({origin})</span>: {a.summary || "—"}
        </p>
        {a.keywords.length > 0 && (
          <ul className="chips" aria-label="Keywords">
            {a.keywords.map((k) => (
              <li key={k} className="chip">
                {k}
              </li>
            ))}
          </ul>
        )}
        <p className="hint">
          {a.characters.toLocaleString()} characters{a.truncated ? " (only the beginning was read)" : ""}
        </p>
      </div>
    );
  }
  if (a.kind === "image") {
    return (
      <div className="stack">
        <p>
          {a.format.toUpperCase()} image, {a.width} × {a.height} pixels <span className="hint">({origin})</span>
        </p>
        {a.labels.length > 0 && (
          <ul className="chips" aria-label="Labels">
            {a.labels.map((l) => (
              <li key={l.label} className="chip">
                {l.label} {Math.round(l.score * 100)} %
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return <p className="hint">{a.reason.replace(/\.?$/, ".")}</p>;
}
