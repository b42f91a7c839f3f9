// Admin: the feature flags (on, off or killed; rollout share; allow-list), a form to create or edit one, and delete.
import { type FormEvent, useEffect, useState } from "react";
import { FlagBodySchema, FlagNameParamSchema, type FlagView } from "../../../features/flags/flags.schema";
import { type Result, ResultMessage } from "../../components/result-message";
import { api, errorMessage } from "../../lib/api";
import { useLoad } from "../../lib/use-load";

export function FlagsTab() {
  const { data, error, reload } = useLoad<{ definitions?: FlagView[]; corrupt?: string[] }>("/api/features");
  const [editing, setEditing] = useState<FlagView | null>(null);
  const [rollout, setRollout] = useState(100);
  const [message, setMessage] = useState<Result | null>(null);

  useEffect(() => setRollout(editing?.rolloutPercentage ?? 100), [editing]);

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const nameCheck = FlagNameParamSchema.safeParse(name);
    const body = FlagBodySchema.safeParse({
      description: String(form.get("description") ?? ""),
      enabled: form.get("enabled") === "on",
      rolloutPercentage: rollout,
      allowList: String(form.get("allowList") ?? "")
        .split(/[\s,]+/)
        .filter(Boolean),
      killSwitch: form.get("killSwitch") === "on",
    });
    if (!nameCheck.success) return setMessage({ ok: false, text: `Name: ${nameCheck.error.issues[0]?.message}` });
    if (!body.success) {
      const issue = body.error.issues[0];
      return setMessage({ ok: false, text: `${issue?.path.join(".") || "flag"}: ${issue?.message}` });
    }
    try {
      await api(`/api/features/${name}`, { method: "PUT", body: JSON.stringify(body.data) });
      setMessage({ ok: true, text: `Flag ${name} saved.` });
      setEditing(null);
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: errorMessage(e) });
    }
  };

  const remove = async (name: string) => {
    try {
      await fetch(`/api/features/${name}`, { method: "DELETE", credentials: "same-origin" });
      setMessage({ ok: true, text: `Flag ${name} deleted.` });
      await reload();
    } catch (e) {
      setMessage({ ok: false, text: String(e) });
    }
  };

  return (
    <section className="stack" aria-labelledby="flags-heading">
      <h2 id="flags-heading">Feature flags</h2>
      {error && <p className="error">{error}</p>}
      <ResultMessage result={message} />
      <ul className="list" data-testid="flags">
        {data?.definitions?.map((flag) => (
          <li key={flag.name} className="row spread card" data-flag={flag.name}>
            <span>
              <strong>{flag.name}</strong>{" "}
              <span className={`chip ${flag.enabled && !flag.killSwitch ? "on" : "off"}`}>
                {flag.killSwitch ? "killed" : flag.enabled ? `on · ${flag.rolloutPercentage} %` : "off"}
              </span>{" "}
              <span className="hint">{flag.description}</span>
            </span>
            <span className="row">
              <button type="button" onClick={() => setEditing(flag)}>
                Edit
              </button>
              <button type="button" onClick={() => void remove(flag.name)}>
                Delete
              </button>
            </span>
          </li>
        ))}
        {data?.corrupt?.map((name) => (
          <li key={name} className="error">
            {name}: stored value is invalid (evaluates as off) — save it again to repair.
          </li>
        ))}
      </ul>
      <form key={editing?.name ?? "new"} onSubmit={(e) => void save(e)} className="card stack" aria-label="Edit flag">
        <h3>{editing ? `Edit ${editing.name}` : "New flag"}</h3>
        <label>
          Name
          <input
            name="name"
            defaultValue={editing?.name ?? ""}
            readOnly={Boolean(editing)}
            required
            pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
          />
        </label>
        <label>
          Description
          <input name="description" defaultValue={editing?.description ?? ""} maxLength={500} />
        </label>
        <label className="row">
          <input type="checkbox" name="enabled" defaultChecked={editing?.enabled ?? false} /> Enabled
        </label>
        <label>
          Rollout: {rollout} % of users
          <input type="range" min={0} max={100} value={rollout} onChange={(e) => setRollout(Number(e.target.value))} />
        </label>
        <label>
          Allow-list (user ids, always on)
          <textarea name="allowList" defaultValue={editing?.allowList.join("\n") ?? ""} rows={2} />
        </label>
        <label className="row">
          <input type="checkbox" name="killSwitch" defaultChecked={editing?.killSwitch ?? false} /> Kill switch (off for
          everyone)
        </label>
        <div className="row">
          <button type="submit">Save flag</button>
          {editing && (
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
