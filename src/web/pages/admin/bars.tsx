// A bar chart as a list: one labelled bar per entry, as long as its share of the largest value.

export function Bars({ entries, unit = "" }: { entries: [string, number][]; unit?: string }) {
  const max = Math.max(1, ...entries.map(([, v]) => v));
  if (entries.length === 0) return <p className="hint">Nothing recorded yet.</p>;
  return (
    <ul className="bars">
      {entries.map(([label, value]) => (
        <li key={label}>
          <span className="bar-label">{label}</span>
          <span className="bar" style={{ width: `${Math.max(2, (value / max) * 100)}%` }} aria-hidden="true" />
          <span className="bar-value">
            {value}
            {unit}
          </span>
        </li>
      ))}
    </ul>
  );
}
