// What the benchmarks read from /proc about the dev server: its process tree, resident memory and CPU time
// by program name (Vite's node, workerd), so a report can say where memory and CPU went.
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux this runs on (USER_HZ). */
const TICKS_PER_SECOND = 100;

function parentsByPid() {
  const children = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {}
  }
  return children;
}

/** A process and all its descendants. */
export function processTree(rootPid) {
  const children = parentsByPid();
  const out = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Resident memory (bytes) of a process tree, in total and by program name. */
export function treeRssByName(rootPid) {
  let total = 0;
  const byName = {};
  for (const pid of processTree(rootPid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? "?";
      if (match) {
        total += Number(match[1]) * 1024;
        byName[name] = (byName[name] ?? 0) + Number(match[1]) * 1024;
      }
    } catch {}
  }
  return { total, byName };
}

/** CPU seconds (user + system) used so far by each program in a process tree, by program name. */
export function treeCpuSecondsByName(rootPid) {
  const byName = {};
  for (const pid of processTree(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      // Fields after the name: state is 3rd overall; utime and stime are the 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]);
      byName[name] = (byName[name] ?? 0) + ticks / TICKS_PER_SECOND;
    } catch {}
  }
  return byName;
}

/** CPU seconds each program used between two readings of treeCpuSecondsByName. */
export function cpuSpent(before, after) {
  const out = {};
  for (const [name, seconds] of Object.entries(after)) {
    out[name] = Math.round((seconds - (before[name] ?? 0)) * 100) / 100;
  }
  return out;
}
