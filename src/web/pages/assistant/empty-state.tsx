// A new conversation: what the assistant can do, and a few questions to start with (each asks at once).

export const EXAMPLE_QUESTIONS = [
  "What did we decide about the launch?",
  "Summarise the latest messages in #general",
  "Which files mention the budget?",
];

export function EmptyState({ onAsk, disabled }: { onAsk: (question: string) => void; disabled: boolean }) {
  return (
    <div className="empty assistant-empty" data-testid="assistant-empty">
      <strong>Ask about anything your team has written or uploaded…</strong>
      <p>
        The assistant searches your rooms’ messages and your files, answers with what it finds, and links to each
        source.
      </p>
      <ul className="examples" aria-label="Example questions">
        {EXAMPLE_QUESTIONS.map((question) => (
          <li key={question}>
            <button type="button" className="quiet" onClick={() => onAsk(question)} disabled={disabled}>
              {question}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
