// The outcome of an action: a success is a polite status, a failure an alert; nothing before the first action.

export interface Result {
  ok: boolean;
  text: string;
}

export function ResultMessage({ result }: { result: Result | null }) {
  if (!result) return null;
  return (
    <p role={result.ok ? "status" : "alert"} className={result.ok ? "ok" : "error"}>
      {result.text}
    </p>
  );
}
