// The accessibility fixture: axe-core (node_modules/axe-core) run in the page; a violation of impact "serious" or
// "critical" fails. E2E_AXE=report logs the violations instead of failing (to try the journeys on a UI that has some).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const AXE_PATH = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const FAILING_IMPACTS = new Set(["serious", "critical"]);

export const AXE_MODE = process.env.E2E_AXE === "report" ? "report" : "fail";

/**
 * @typedef {{ id: string, impact: string, help: string, helpUrl: string,
 *   nodes: { target: string, summary: string }[] }} Violation
 */

/** axe's rules that depend on colours: all that can change between the light and the dark colour scheme. */
export const COLOUR_RULES = ["color-contrast", "link-in-text-block"];

/**
 * Runs axe on the page as it is now and answers its serious and critical violations; `rules` limits it to some.
 * @returns {Promise<Violation[]>}
 */
export async function axeViolations(page, { rules } = {}) {
  const loaded = () => page.evaluate(() => typeof window.axe?.run === "function");
  if (!(await loaded())) {
    // A script tag, as a page would load it; evaluated directly when a Content-Security-Policy refuses the tag.
    await page.addScriptTag({ path: AXE_PATH }).catch(() => {});
    if (!(await loaded())) await page.evaluate(readFileSync(AXE_PATH, "utf8"));
  }
  const violations = await page.evaluate(async (rules) => {
    const options = { resultTypes: ["violations"], ...(rules ? { runOnly: { type: "rule", values: rules } } : {}) };
    const results = await window.axe.run(document, options);
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary ?? "" })),
    }));
  }, rules);
  return violations.filter((v) => FAILING_IMPACTS.has(v.impact));
}

/** One violation as text: rule id, impact, help, then each node's selector (the first line of why). */
export function describeViolation(v, maxNodes = 8) {
  const nodes = v.nodes.slice(0, maxNodes).map((n) => {
    const why = n.summary
      .split("\n")
      .find((line) => line.trim() && !/^Fix (any|all)/.test(line))
      ?.trim();
    return `      ${n.target}${why ? `  — ${why}` : ""}`;
  });
  if (v.nodes.length > maxNodes) nodes.push(`      … and ${v.nodes.length - maxNodes} more`);
  return [`  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`, ...nodes].join("\n");
}

/**
 * Fails (throws) when the page has a serious or critical violation, naming each rule, its help and the nodes;
 * with E2E_AXE=report it logs them instead. Answers the violations.
 */
export async function checkA11y(page, label) {
  const violations = await axeViolations(page);
  if (violations.length) {
    const text = `axe: ${violations.length} serious/critical violation(s) on ${label}:\n${violations.map((v) => describeViolation(v)).join("\n")}`;
    if (AXE_MODE === "report") console.log(text);
    else throw new Error(text);
  }
  return violations;
}
