// Finding a file: a filter on the name, a type filter and the sort order, all kept in the URL (?q=, ?type=, ?sort=)
// so a link (the quick switcher's "Search files for …") opens the page already filtered.
import { useEffect, useId, useState } from "react";
import { CATEGORY_LABELS, type Category, type FileView } from "./file-kinds";

export type SortOrder = "newest" | "oldest" | "name" | "size";

export const SORT_LABELS: Record<SortOrder, string> = {
  newest: "Newest first",
  oldest: "Oldest first",
  name: "Name (A–Z)",
  size: "Largest first",
};

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

export function sortFiles(files: FileView[], order: SortOrder): FileView[] {
  const sorted = [...files];
  if (order === "newest") return sorted.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (order === "oldest") return sorted.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  if (order === "name") return sorted.sort((a, b) => byName.compare(a.name, b.name));
  return sorted.sort((a, b) => b.size - a.size || byName.compare(a.name, b.name));
}

export const isSortOrder = (value: string | null): value is SortOrder => value !== null && value in SORT_LABELS;
export const isCategory = (value: string | null): value is Category => value !== null && value in CATEGORY_LABELS;

export function FilesToolbar({
  query,
  category,
  sort,
  onQuery,
  onCategory,
  onSort,
}: {
  query: string;
  category: Category | "all";
  sort: SortOrder;
  onQuery: (text: string) => void;
  onCategory: (category: Category | "all") => void;
  onSort: (sort: SortOrder) => void;
}) {
  const id = useId();
  // The field keeps its own text while typing; the URL follows it (and a new ?q= from elsewhere replaces it).
  const [text, setText] = useState(query);
  useEffect(() => setText((current) => (current.trim() === query.trim() ? current : query)), [query]);
  return (
    <search className="files-toolbar" aria-label="Find files">
      <label className="toolbar-field toolbar-search" htmlFor={`${id}-q`}>
        <span>Filter by name</span>
        <input
          id={`${id}-q`}
          type="search"
          value={text}
          placeholder="Name contains…"
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => {
            setText(e.target.value);
            onQuery(e.target.value);
          }}
        />
      </label>
      <label className="toolbar-field" htmlFor={`${id}-type`}>
        <span>Type</span>
        <select
          id={`${id}-type`}
          value={category}
          onChange={(e) => onCategory(isCategory(e.target.value) ? e.target.value : "all")}
        >
          <option value="all">All types</option>
          {(Object.keys(CATEGORY_LABELS) as Category[]).map((c) => (
            <option key={c} value={c}>
              {CATEGORY_LABELS[c]}
            </option>
          ))}
        </select>
      </label>
      <label className="toolbar-field" htmlFor={`${id}-sort`}>
        <span>Sort</span>
        <select
          id={`${id}-sort`}
          value={sort}
          onChange={(e) => onSort(isSortOrder(e.target.value) ? e.target.value : "newest")}
        >
          {(Object.keys(SORT_LABELS) as SortOrder[]).map((s) => (
            <option key={s} value={s}>
              {SORT_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
    </search>
  );
}
