// One turn of a conversation: the question, the steps the answer took (compact, expandable), the answer as
// Markdown, how it ended (stopped, failed with a reason and Retry), its sources, and Copy / Regenerate.
import { memo, useCallback, useDeferredValue, useEffect, useId, useRef, useState } from "react";
import type { AssistantStep, Citation } from "../../../features/assistant/assistant.schema";
import { Boundary } from "../../components/boundary";
import { formatDuration } from "../../lib/format";
import { AnswerMarkdown, SmartLink } from "./markdown";
import { resultCount, type Turn, toolLabel } from "./model";

const STATE_WORDS: Record<AssistantStep["state"], string> = {
  running: "running",
  done: "done",
  failed: "failed",
  stopped: "stopped",
};

function stepMeta(step: AssistantStep): string {
  const parts: string[] = [];
  if (step.state === "failed") parts.push(step.error ? `failed: ${step.error}` : "failed");
  if (step.state === "stopped") parts.push("stopped");
  if (step.ms !== undefined) parts.push(formatDuration(step.ms));
  if (step.results !== undefined && step.state !== "failed") parts.push(resultCount(step.results));
  return parts.join(" · ");
}

function stepsSummary(steps: AssistantStep[], turn: Turn): string {
  const running = steps.find((s) => s.state === "running");
  if (running) return `${toolLabel(running.name, "running")}…`;
  const failed = steps.filter((s) => s.state === "failed").length;
  const results = steps.reduce((sum, s) => sum + (s.results ?? 0), 0);
  const ms = Math.max(0, ...steps.map((s) => s.ms ?? 0));
  const parts = [`${steps.length} step${steps.length === 1 ? "" : "s"}`];
  if (ms > 0) parts.push(formatDuration(ms));
  parts.push(resultCount(results));
  if (failed) parts.push(`${failed} failed`);
  if (turn.state === "streaming" && turn.phase === "answering" && !turn.answer) parts.push("writing the answer…");
  return parts.join(" · ");
}

function Steps({ turn }: { turn: Turn }) {
  const { steps } = turn;
  if (steps.length === 0) {
    return turn.state === "streaming" && !turn.answer ? (
      <p className="steps-summary pending">{turn.phase === "answering" ? "Writing the answer…" : "Searching…"}</p>
    ) : null;
  }
  const running = steps.some((s) => s.state === "running");
  return (
    <details className="steps" data-testid="steps">
      <summary>
        <span className={running ? "steps-summary pending" : "steps-summary"}>{stepsSummary(steps, turn)}</span>
      </summary>
      <ol>
        {steps.map((step) => (
          <li key={step.name} data-state={step.state}>
            <span className="step-icon" aria-hidden="true" data-state={step.state} />
            <span className="step-name">{toolLabel(step.name, step.state)}</span>
            {(step.state === "done" || step.state === "running") && (
              <span className="sr-only">, {STATE_WORDS[step.state]}</span>
            )}
            {stepMeta(step) && <span className="step-meta"> {stepMeta(step)}</span>}
          </li>
        ))}
      </ol>
    </details>
  );
}

const KIND_WORDS: Record<Citation["kind"], string> = {
  message: "Message",
  file: "File",
  counter: "Counter",
  link: "Web page",
};

function Sources({ citations, idPrefix }: { citations: Citation[]; idPrefix: string }) {
  const headingId = useId();
  if (citations.length === 0) return null;
  const sorted = [...citations].sort((a, b) => a.index - b.index);
  return (
    <section className="sources" aria-labelledby={headingId}>
      <h3 id={headingId} className="sources-title">
        Sources
      </h3>
      <ol>
        {sorted.map((c) => (
          <li
            key={c.index}
            value={c.index}
            id={`${idPrefix}-${c.index}`}
            tabIndex={-1}
            className="source-item"
            data-testid="source"
          >
            <span className="source-kind">{KIND_WORDS[c.kind]}</span>
            <SmartLink href={c.href} className="source-title">
              {c.title || c.source}
            </SmartLink>
            {c.excerpt && <span className="source-excerpt">{c.excerpt}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Copies the answer's text; says "Copied" (or why not) for a moment. */
function CopyButton({ text }: { text: string }) {
  const [said, setSaid] = useState<"" | "Copied" | "Could not copy">("");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async () => {
    clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(text);
      setSaid("Copied");
    } catch {
      setSaid("Could not copy");
    }
    timer.current = setTimeout(() => setSaid(""), 2_000);
  };
  return (
    <>
      <button type="button" className="quiet small" onClick={() => void copy()} data-testid="copy">
        {said === "Copied" ? "Copied" : "Copy"}
      </button>
      <span role="status" className={said === "Could not copy" ? "error small-note" : "sr-only"}>
        {said === "Copied" ? "Answer copied to the clipboard" : said}
      </span>
    </>
  );
}

function Outcome({ turn, isLast, onRetry, busy }: { turn: Turn; isLast: boolean; onRetry: () => void; busy: boolean }) {
  if (turn.state === "stopped") {
    return (
      <p className="turn-status" data-status="stopped" data-testid="turn-status">
        {turn.answer ? "Stopped" : "Stopped before the answer began"}
      </p>
    );
  }
  if (turn.state !== "failed") return null;
  return (
    <div className="turn-failed" data-testid="turn-status" data-status="failed">
      <p role="alert" className="error">
        <strong>Failed.</strong> {turn.error ?? "This answer could not be completed."}
      </p>
      {isLast && (
        <button type="button" className="small" onClick={onRetry} disabled={busy}>
          Retry
        </button>
      )}
    </div>
  );
}

export interface TurnViewProps {
  turn: Turn;
  /** The conversation's last turn: the only one that can be regenerated or retried. */
  isLast: boolean;
  /** Another answer is streaming (so nothing new can be asked). */
  busy: boolean;
  onRegenerate: () => void;
  onRetry: () => void;
}

function TurnViewImpl({ turn, isLast, busy, onRegenerate, onRetry }: TurnViewProps) {
  const questionId = useId();
  const idPrefix = `cite${useId().replaceAll(":", "")}`;
  const streaming = turn.state === "streaming";
  // While streaming, React may skip intermediate texts when it is busy: the answer re-renders only as it can.
  const answer = useDeferredValue(turn.answer);
  const cite = useCallback(
    (n: number) => {
      const target = document.getElementById(`${idPrefix}-${n}`);
      target?.focus({ preventScroll: true });
      target?.scrollIntoView({ block: "nearest", behavior: "smooth" });
    },
    [idPrefix],
  );
  return (
    <article className="turn" data-testid="turn" data-state={turn.state} aria-labelledby={questionId}>
      <div className="question">
        <h2 id={questionId}>
          <span className="sr-only">You asked: </span>
          {turn.question}
        </h2>
      </div>
      <div className="reply">
        <Steps turn={turn} />
        {answer && (
          <div className="answer markdown" data-testid="answer" aria-busy={streaming || undefined}>
            <Boundary what="This answer">
              <AnswerMarkdown text={answer} sources={turn.citations.length} onCite={cite} />
            </Boundary>
            {streaming && <span className="caret" aria-hidden="true" />}
          </div>
        )}
        <Outcome turn={turn} isLast={isLast} onRetry={onRetry} busy={busy} />
        <Sources citations={turn.citations} idPrefix={idPrefix} />
        {!streaming && (turn.answer || (isLast && turn.state !== "failed")) && (
          <div className="turn-actions">
            {turn.answer && <CopyButton text={turn.answer} />}
            {isLast && turn.state !== "failed" && (
              <button
                type="button"
                className="quiet small"
                onClick={onRegenerate}
                disabled={busy}
                data-testid="regenerate"
              >
                Regenerate
              </button>
            )}
          </div>
        )}
      </div>
    </article>
  );
}

export const TurnView = memo(TurnViewImpl);
