// Requests per minute (bars) with 4xx and 5xx errors (lines) for the last hour, drawn by uPlot on a canvas as wide
// as its card (a ResizeObserver follows it, down to a 390 px phone). Colours come from the page's CSS variables
// and are read again when the colour scheme changes. Screen readers get a one-sentence summary as the chart's
// name, and everyone can open the numbers as a table.
import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { components } from "../../api/openapi";
import { formatClock, formatCount } from "../../lib/format";

type Series = components["schemas"]["MetricsSeries"];

const HEIGHT = 220;

function palette() {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    requests: read("--accent", "#2459a6"),
    client: read("--warn-line", "#b07a1e"),
    server: read("--bad", "#a32d2d"),
    axis: read("--muted", "#566075"),
    grid: read("--line", "#d5dae5"),
    font: style.fontFamily || "system-ui, sans-serif",
  };
}

function options(width: number): uPlot.Options {
  const c = palette();
  const axis: uPlot.Axis = {
    stroke: c.axis,
    grid: { stroke: c.grid, width: 1 },
    ticks: { stroke: c.grid, width: 1 },
    font: `12px ${c.font}`,
  };
  const bars = uPlot.paths.bars?.({ size: [0.7, 14], align: 0 });
  return {
    width,
    height: HEIGHT,
    padding: [8, 8, 0, 0],
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    scales: {
      // Half a bucket of room either side, so the first and last bars are not cut in half.
      x: { time: true, range: (_u, min, max) => [min - 30, max + 30] },
      y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
    },
    axes: [
      {
        ...axis,
        space: 60,
        values: (_u, splits) => splits.map((s) => formatClock(new Date(s * 1_000).toISOString())),
      },
      // Whole requests only: no 0.5 ticks when traffic is light.
      { ...axis, size: 44, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 50_000] },
    ],
    series: [
      { label: "Minute", value: (_u, v) => (v == null ? "—" : formatClock(new Date(v * 1_000).toISOString())) },
      {
        label: "Requests",
        stroke: c.requests,
        fill: c.requests,
        width: 1,
        ...(bars ? { paths: bars } : {}),
        points: { show: false },
      },
      { label: "4xx", stroke: c.client, width: 2, dash: [6, 3], points: { show: false } },
      { label: "5xx", stroke: c.server, width: 2, points: { show: false } },
    ],
  };
}

function toData(series: Series): uPlot.AlignedData {
  const points = series.points;
  return [
    points.map((p) => Date.parse(p.start) / 1_000),
    points.map((p) => p.requests),
    points.map((p) => p.errors4xx),
    points.map((p) => p.errors5xx),
  ];
}

/** The chart in one sentence: totals, and the busiest minute. */
function summarise(series: Series): string {
  const points = series.points;
  const total = points.reduce((sum, p) => sum + p.requests, 0);
  if (total === 0) return "Requests per minute over the last hour: none.";
  const e4 = points.reduce((sum, p) => sum + p.errors4xx, 0);
  const e5 = points.reduce((sum, p) => sum + p.errors5xx, 0);
  const peak = points.reduce((best, p) => (p.requests > best.requests ? p : best));
  return (
    `Requests per minute over the last hour: ${formatCount(total)} in all, ${formatCount(e4)} with a 4xx and ` +
    `${formatCount(e5)} with a 5xx status. The busiest minute was ${formatClock(peak.start)}, with ` +
    `${formatCount(peak.requests)}.`
  );
}

export function RequestsChart({ series }: { series: Series }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => toData(series), [series]);
  const latest = useRef(data);
  latest.current = data;

  // One uPlot per colour scheme: made on mount, remade when light/dark flips, sized to the box as it resizes.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const make = () => {
      plot.current?.destroy();
      plot.current = new uPlot(options(Math.max(200, el.clientWidth)), latest.current, el);
    };
    make();
    const resize = new ResizeObserver(() => {
      const width = Math.max(200, el.clientWidth);
      if (plot.current && plot.current.width !== width) plot.current.setSize({ width, height: HEIGHT });
    });
    resize.observe(el);
    const scheme = matchMedia("(prefers-color-scheme: dark)");
    scheme.addEventListener("change", make);
    return () => {
      resize.disconnect();
      scheme.removeEventListener("change", make);
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  const rows = series.points.filter((p) => p.requests > 0);
  return (
    <>
      <div ref={box} className="admin-chart" role="img" aria-label={summarise(series)} data-testid="requests-chart" />
      <details className="admin-chart-data">
        <summary>Show the numbers</summary>
        {rows.length === 0 ? (
          <p className="hint">No requests in the last hour.</p>
        ) : (
          <section
            className="admin-table-scroll admin-table-tall"
            aria-label="Requests per minute"
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard
            tabIndex={0}
          >
            <table className="admin-table">
              <caption className="sr-only">Requests per minute, minutes with traffic only</caption>
              <thead>
                <tr>
                  <th scope="col">Minute</th>
                  <th scope="col" className="num">
                    Requests
                  </th>
                  <th scope="col" className="num">
                    4xx
                  </th>
                  <th scope="col" className="num">
                    5xx
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((p) => (
                  <tr key={p.start}>
                    <th scope="row">{formatClock(p.start)}</th>
                    <td className="num">{formatCount(p.requests)}</td>
                    <td className="num">{formatCount(p.errors4xx)}</td>
                    <td className="num">{formatCount(p.errors5xx)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </details>
    </>
  );
}
