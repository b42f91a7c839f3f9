// A failure told as a sentence that screen readers announce at once; nothing at all while there is none.
export function ErrorAlert({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <p role="alert" className="error">
      {text}
    </p>
  );
}
