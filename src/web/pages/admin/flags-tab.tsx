// Admin: the feature flags (on, off or killed; rollout share; allow-list), a form to create or edit one with a
// rollout slider, and a live preview of who would be in: as the form changes (debounced) the server evaluates the
// draft for every user and answers "N of M users would be on", with samples and why. Deleting asks first.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { api, errorMessage, ok } from "../../api";
import type { components } from "../../api/openapi";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { type Result, ResultMessage } from "../../components/result-message";
import { formatCount, formatShortDate } from "../../lib/format";
import { PageSkeleton } from "../../shell/skeleton";
import { LoadError } from "./load-error";
import { useDebounced } from "./use-debounced";

type Flag = components["schemas"]["Flag"];
type FlagInput = components["schemas"]["FlagInput"];
type Preview = components["schemas"]["FlagPreview"];
type PreviewUser = components["schemas"]["FlagPreviewUser"];

const FLAGS_KEY = ["admin", "flags"] as const;
const PREVIEW_KEY = ["admin", "flag-preview"] as const;
const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

const REASONS: Record<PreviewUser["reason"], string> = {
  "allow-list": "on the allow-list",
  rollout: "inside the rollout",
  "outside-rollout": "outside the rollout",
  disabled: "flag not enabled",
  "kill-switch": "kill switch",
  anonymous: "not signed in",
  invalid: "invalid flag",
};

/** What the form holds; the allow-list as typed (ids separated by spaces, commas or new lines). */
interface Draft {
  name: string;
  description: string;
  enabled: boolean;
  rollout: number;
  allowList: string;
  killSwitch: boolean;
}

const draftOf = (flag: Partial<Flag> | null): Draft => ({
  name: flag?.name ?? "",
  description: flag?.description ?? "",
  enabled: flag?.enabled ?? false,
  rollout: flag?.rolloutPercentage ?? 100,
  allowList: flag?.allowList?.join("\n") ?? "",
  killSwitch: flag?.killSwitch ?? false,
});

const bodyOf = (d: Draft): FlagInput => ({
  description: d.description,
  enabled: d.enabled,
  rolloutPercentage: d.rollout,
  // The server refuses repeated ids: drop them rather than fail.
  allowList: [...new Set(d.allowList.split(/[\s,]+/).filter(Boolean))],
  killSwitch: d.killSwitch,
});

function stateOf(flag: Flag): { text: string; on: boolean } {
  if (flag.killSwitch) return { text: "killed", on: false };
  if (!flag.enabled) return { text: "off", on: false };
  return { text: `on · ${flag.rolloutPercentage} %`, on: true };
}

export function FlagsTab() {
  const client = useQueryClient();
  const flags = useQuery({ queryKey: FLAGS_KEY, queryFn: () => ok(api.GET("/api/features")) });
  // null: a new flag; a name to repair a corrupt one; a flag to edit.
  const [editing, setEditing] = useState<{ flag: Partial<Flag> | null; key: number }>({ flag: null, key: 0 });
  const [deleting, setDeleting] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const edit = (flag: Partial<Flag> | null) => setEditing((e) => ({ flag, key: e.key + 1 }));

  const remove = useMutation({
    mutationFn: (name: string) => ok(api.DELETE("/api/features/{name}", { params: { path: { name } } })),
    onMutate: () => setResult(null),
    onSuccess: (_none, name) => {
      setResult({ ok: true, text: `Flag ${name} deleted.` });
      if (editing.flag?.name === name) edit(null);
    },
    onError: (e, name) => setResult({ ok: false, text: `Flag ${name} was not deleted. ${errorMessage(e)}` }),
    onSettled: () => client.invalidateQueries({ queryKey: FLAGS_KEY }),
  });

  const definitions = flags.data?.definitions ?? [];
  const corrupt = flags.data?.corrupt ?? [];
  return (
    <section className="stack" aria-labelledby="flags-heading">
      <div className="row wrap spread">
        <h2 id="flags-heading">Feature flags</h2>
        <button type="button" className="quiet" onClick={() => edit(null)}>
          New flag
        </button>
      </div>
      <ResultMessage result={result} />
      {flags.isError && <LoadError what="The flags" error={flags.error} onRetry={() => void flags.refetch()} />}
      {flags.isPending && !flags.isError && <PageSkeleton lines={3} />}
      {flags.data && definitions.length === 0 && corrupt.length === 0 && (
        <p className="empty">
          <strong>No flags yet</strong>
          Create one below to turn a feature on for some users, or off for everyone.
        </p>
      )}
      {(definitions.length > 0 || corrupt.length > 0) && (
        <ul className="list admin-flags" data-testid="flags">
          {definitions.map((flag) => {
            const state = stateOf(flag);
            return (
              <li key={flag.name} className="card admin-flag" data-flag={flag.name}>
                <div className="admin-flag-text">
                  <strong className="admin-flag-name">{flag.name}</strong>{" "}
                  <span className={`chip ${state.on ? "on" : "off"}`}>{state.text}</span>
                  {(flag.allowList?.length ?? 0) > 0 && (
                    <span className="chip">{flag.allowList?.length} on the allow-list</span>
                  )}
                  {flag.description && <span className="admin-flag-description">{flag.description}</span>}
                  <span className="hint admin-flag-updated">Updated {formatShortDate(flag.updatedAt)}</span>
                </div>
                <div className="row">
                  <button type="button" className="small" onClick={() => edit(flag)}>
                    Edit<span className="sr-only"> {flag.name}</span>
                  </button>
                  <button type="button" className="small danger-quiet" onClick={() => setDeleting(flag.name)}>
                    Delete<span className="sr-only"> {flag.name}</span>
                  </button>
                </div>
              </li>
            );
          })}
          {corrupt.map((name) => (
            <li key={name} className="card admin-flag" data-flag={name}>
              <p className="error admin-flag-text">
                <strong>{name}</strong>: its stored value is invalid, so it evaluates as off. Save it again to repair
                it.
              </p>
              <div className="row">
                <button type="button" className="small" onClick={() => edit({ name })}>
                  Repair<span className="sr-only"> {name}</span>
                </button>
                <button type="button" className="small danger-quiet" onClick={() => setDeleting(name)}>
                  Delete<span className="sr-only"> {name}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <FlagEditor
        key={editing.key}
        flag={editing.flag}
        onSaved={(flag) => {
          setResult({ ok: true, text: `Flag ${flag.name} saved.` });
          edit(flag);
        }}
        onCancel={() => edit(null)}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the flag ${deleting ?? ""}?`}
        confirmLabel="Delete flag"
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) remove.mutate(deleting);
          setDeleting(null);
        }}
      >
        <p>
          Code that asks for {deleting} will see it as off for everyone. Creating it again later picks new users for its
          rollout.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function FlagEditor({
  flag,
  onSaved,
  onCancel,
}: {
  flag: Partial<Flag> | null;
  onSaved: (flag: Flag) => void;
  onCancel: () => void;
}) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => draftOf(flag));
  // The number box may be empty or out of range while typing; the slider always holds a valid value.
  const [rolloutText, setRolloutText] = useState(String(draft.rollout));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const existing = Boolean(flag?.updatedAt);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const setRollout = (value: number) => {
    set({ rollout: value });
    setRolloutText(String(value));
  };

  const save = useMutation({
    mutationFn: (d: Draft) =>
      ok(api.PUT("/api/features/{name}", { params: { path: { name: d.name } }, body: bodyOf(d) })),
    onMutate: () => setError(null),
    onSuccess: async (saved) => {
      await Promise.all([
        client.invalidateQueries({ queryKey: FLAGS_KEY }),
        client.invalidateQueries({ queryKey: PREVIEW_KEY }),
      ]);
      onSaved(saved);
    },
    onError: (e) => setError(`The flag was not saved. ${errorMessage(e)}`),
  });

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate({ ...draft, name: draft.name.trim() });
  };

  const title = existing ? `Edit ${flag?.name}` : flag?.name ? `Repair ${flag.name}` : "New flag";
  return (
    <form onSubmit={submit} className="card admin-flag-form" aria-label="Edit flag">
      <h3>{title}</h3>
      <div className="admin-flag-columns">
        <div className="stack">
          <div className="admin-field">
            <label>
              Name
              <input
                name="name"
                value={draft.name}
                onChange={(e) => set({ name: e.target.value })}
                readOnly={Boolean(flag?.name)}
                required
                pattern="[a-z0-9][a-z0-9_.\-]{0,63}"
                title="1–64 lower-case letters, digits, '_', '.' or '-'"
                autoComplete="off"
                spellCheck={false}
                aria-describedby={`${id}-name-hint`}
              />
            </label>
            <span id={`${id}-name-hint`} className="hint">
              {flag?.name ? "A flag's name cannot change." : "Lower-case letters, digits, '_', '.' or '-'."}
            </span>
          </div>
          <label>
            Description
            <input
              name="description"
              value={draft.description}
              onChange={(e) => set({ description: e.target.value })}
              maxLength={500}
            />
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              name="enabled"
              checked={draft.enabled}
              onChange={(e) => set({ enabled: e.target.checked })}
            />
            Enabled
          </label>
          <fieldset className="admin-rollout">
            <legend>Rollout</legend>
            <div className="admin-rollout-controls">
              <input
                type="range"
                name="rolloutRange"
                min={0}
                max={100}
                step={1}
                value={draft.rollout}
                aria-label="Rollout, percentage of users"
                aria-valuetext={`${draft.rollout} % of users`}
                aria-describedby={`${id}-rollout-hint`}
                onChange={(e) => setRollout(Number(e.target.value))}
              />
              <span className="admin-inline-label">
                <input
                  type="number"
                  name="rolloutPercentage"
                  min={0}
                  max={100}
                  step={1}
                  inputMode="numeric"
                  aria-label="Rollout percentage"
                  value={rolloutText}
                  onChange={(e) => {
                    setRolloutText(e.target.value);
                    const value = Number(e.target.value);
                    if (e.target.value !== "" && Number.isInteger(value) && value >= 0 && value <= 100) {
                      set({ rollout: value });
                    }
                  }}
                  onBlur={() => setRolloutText(String(draft.rollout))}
                />
                <span aria-hidden="true">%</span>
              </span>
            </div>
            <p id={`${id}-rollout-hint`} className="hint">
              While enabled, the flag is on for this share of users (and everyone on the allow-list). A user inside
              stays inside as the share grows.
            </p>
          </fieldset>
          <div className="admin-field">
            <label>
              Allow-list
              <textarea
                name="allowList"
                value={draft.allowList}
                onChange={(e) => set({ allowList: e.target.value })}
                rows={3}
                spellCheck={false}
                aria-describedby={`${id}-allow-hint`}
              />
            </label>
            <span id={`${id}-allow-hint`} className="hint">
              User ids, one a line: always on while enabled. The Users tab shows each user's id.
            </span>
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              name="killSwitch"
              checked={draft.killSwitch}
              onChange={(e) => set({ killSwitch: e.target.checked })}
            />
            Kill switch (off for everyone)
          </label>
        </div>
        <FlagPreview draft={draft} />
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="row wrap">
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? "Saving…" : "Save flag"}
        </button>
        {flag && (
          <button type="button" className="quiet" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function FlagPreview({ draft }: { draft: Draft }) {
  const settled = useDebounced(JSON.stringify({ name: draft.name.trim(), body: bodyOf(draft) }), 350);
  const input = JSON.parse(settled) as { name: string; body: FlagInput };
  const valid = NAME_PATTERN.test(input.name);
  const preview = useQuery({
    queryKey: [...PREVIEW_KEY, settled],
    queryFn: ({ signal }) =>
      ok(
        api.POST("/api/features/{name}/preview", { params: { path: { name: input.name } }, body: input.body, signal }),
      ),
    enabled: valid,
    placeholderData: keepPreviousData,
    staleTime: 0,
    refetchOnWindowFocus: false,
  });
  const data = valid ? preview.data : undefined;
  return (
    <section className="admin-preview" aria-labelledby="flag-preview-heading" data-testid="flag-preview">
      <h4 id="flag-preview-heading">Who would be in</h4>
      {!valid && <p className="hint">Give the flag a valid name to see who it would turn on.</p>}
      {valid && preview.isError && (
        <p role="alert" className="error">
          The preview could not be worked out. {errorMessage(preview.error)}
        </p>
      )}
      {valid && preview.isPending && !preview.isError && <PageSkeleton lines={2} />}
      {data && <PreviewView data={data} stale={preview.isPlaceholderData || preview.isFetching} />}
    </section>
  );
}

function PreviewView({ data, stale }: { data: Preview; stale: boolean }) {
  const share = data.scanned ? data.on / data.scanned : 0;
  const reasons = Object.entries(data.reasons).filter(([, n]) => n > 0);
  return (
    <div className={stale ? "admin-preview-body stale" : "admin-preview-body"}>
      <p role="status" className="admin-preview-count" data-testid="flag-preview-count">
        <strong>
          {formatCount(data.on)} of {formatCount(data.scanned)} {data.scanned === 1 ? "user" : "users"}
        </strong>{" "}
        would be on{data.exact ? "" : " (estimate until saved)"}.
      </p>
      <div className="admin-meter" aria-hidden="true">
        <span style={{ width: `${share * 100}%` }} />
      </div>
      {data.capped && (
        <p className="hint">Only the oldest {formatCount(data.maxUsers)} users were checked; the rest were not.</p>
      )}
      {!data.exact && (
        <p className="hint">
          The flag is not saved yet: the count is a fair estimate, but which users are in is decided when it is first
          saved.
        </p>
      )}
      {reasons.length > 0 && (
        <ul className="chips" aria-label="Users by reason">
          {reasons.map(([reason, n]) => (
            <li key={reason} className="chip">
              {REASONS[reason as PreviewUser["reason"]] ?? reason}: {formatCount(n)}
            </li>
          ))}
        </ul>
      )}
      <div className="admin-samples">
        <Sample title="Would be on" users={data.sampleOn} total={data.on} />
        <Sample title="Would be off" users={data.sampleOff} total={data.off} />
      </div>
    </div>
  );
}

const SAMPLE_SHOWN = 5;

function Sample({ title, users, total }: { title: string; users: PreviewUser[]; total: number }) {
  const [all, setAll] = useState(false);
  const headingId = useId();
  const listId = useId();
  const shown = all ? users : users.slice(0, SAMPLE_SHOWN);
  const unlisted = total - users.length;
  return (
    <div>
      <h5 id={headingId}>
        {title} <span className="hint">({formatCount(total)})</span>
      </h5>
      {users.length === 0 ? (
        <p className="hint">Nobody.</p>
      ) : (
        <ul id={listId} className="admin-sample" aria-labelledby={headingId}>
          {shown.map((u) => (
            <li key={u.id}>
              <span className="admin-sample-who">
                <span className="truncate">{u.displayName}</span>
                <span className="hint truncate">{u.email}</span>
              </span>
              <span className="hint admin-sample-reason">{REASONS[u.reason] ?? u.reason}</span>
            </li>
          ))}
        </ul>
      )}
      {users.length > SAMPLE_SHOWN && (
        <button
          type="button"
          className="link admin-sample-more"
          aria-expanded={all}
          aria-controls={listId}
          onClick={() => setAll(!all)}
        >
          {all ? "Show fewer" : `Show ${users.length - SAMPLE_SHOWN} more`}
        </button>
      )}
      {all && unlisted > 0 && <p className="hint">And {formatCount(unlisted)} more, not listed here.</p>}
    </div>
  );
}
