import { responseFlag } from "../../envoy/access-log/response-flags.js";
import { CODE_CLASSES, type Bucket, type CodeClass, type TrafficSeries, type TrafficTimeline } from "../../envoy/access-log/timeline.js";
import type { AccessLogSummary, TrafficGroup } from "../../envoy/access-log/summary.js";
import { own, safe, token } from "./escape.js";
import { clock, duration, round, svg, timeAxis, timeScale } from "./svg.js";

/** One access log as the page shows it: the summary the rules read and its timeline. */
export interface TrafficInput {
  source: string;
  proxy?: string;
  summary: AccessLogSummary;
  timeline: TrafficTimeline;
  /** `10.244.0.17:3000` -> the pod behind it. */
  podOf?: (host: string) => string | undefined;
}

const WIDTH = 880;
const LEFT = 52;
const HEIGHT = 170;
const TOP = 12;

/** Stacked bars of requests per second, one rect per bucket and series with requests. */
function stackedChart(series: TrafficSeries, names: readonly string[], valueOf: (bucket: Bucket, name: string) => number, label: string, chart: string, colour: (name: string) => string): string {
  const perSecond = (count: number) => count / series.width;
  const tallest = Math.max(...series.buckets.map((bucket) => names.reduce((sum, name) => sum + valueOf(bucket, name), 0)));
  const top = niceCeiling(perSecond(tallest));
  const scale = timeScale(series.start, series.start + series.buckets.length * series.width * 1000, LEFT, WIDTH - LEFT - 12);
  const barWidth = Math.max(1, (WIDTH - LEFT - 12) / series.buckets.length - 1);
  const y = (rate: number) => round(TOP + HEIGHT - (rate / top) * HEIGHT);
  const parts: string[] = [];
  for (const fraction of [0, 0.5, 1]) parts.push(`<line class="grid" x1="${LEFT}" y1="${y(top * fraction)}" x2="${WIDTH - 12}" y2="${y(top * fraction)}"/><text class="tick-label" x="${LEFT - 6}" y="${y(top * fraction) + 4}" text-anchor="end">${own(formatRate(top * fraction))}</text>`);
  series.buckets.forEach((bucket, index) => {
    const x = scale.x(series.start + index * series.width * 1000);
    let stacked = 0;
    for (const name of names) {
      const count = valueOf(bucket, name);
      if (count <= 0) continue;
      const y1 = y(perSecond(stacked + count));
      const y0 = y(perSecond(stacked));
      stacked += count;
      const at = series.start + index * series.width * 1000;
      parts.push(`<rect data-mark="bar" data-series="${own(token(name))}" data-count="${count}" class="bar ${colour(name)}" x="${x}" y="${y1}" width="${round(barWidth)}" height="${round(Math.max(0.5, y0 - y1))}"><title>${safe(`${clock(at)} +${duration(series.width)}: ${count} ${name} (${formatRate(perSecond(count))} req/s)`)}</title></rect>`);
    }
  });
  parts.push(timeAxis(scale, TOP + HEIGHT));
  return svg(WIDTH, TOP + HEIGHT + 24, label, parts.join(""), `chart ${chart}`);
}

function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

function formatRate(rate: number): string {
  return rate >= 10 ? String(Math.round(rate)) : rate >= 1 ? rate.toFixed(1) : rate === 0 ? "0" : rate.toPrecision(2);
}

/** Code classes have fixed colours; flags take the palette in the order of their counts. */
const classColour = (name: string) => `s-${token(name)}`;
const flagColour = (names: readonly string[]) => (name: string) => (name === "other" ? "s-other" : `s-f${names.indexOf(name)}`);

function legend(names: readonly string[], totals: ReadonlyMap<string, number>, colour: (name: string) => string): string {
  return `<ul class="legend">${names.map((name) => `<li><span class="swatch ${colour(name)}"></span>${safe(name)} <span class="dim">${own(totals.get(name) ?? 0)}</span></li>`).join("")}</ul>`;
}

const FLAG_SERIES = 6;

/** The response flags worth a colour: the most frequent, the rest as `other`. */
function flagNames(series: TrafficSeries): { names: string[]; totals: Map<string, number> } {
  const totals = new Map<string, number>();
  for (const bucket of series.buckets) for (const [flag, count] of bucket.flags) totals.set(flag, (totals.get(flag) ?? 0) + count);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const names = ranked.slice(0, FLAG_SERIES).map(([flag]) => flag);
  if (ranked.length > FLAG_SERIES) {
    names.push("other");
    totals.set("other", ranked.slice(FLAG_SERIES).reduce((sum, [, count]) => sum + count, 0));
  }
  return { names, totals };
}

function flagValue(names: readonly string[]): (bucket: Bucket, name: string) => number {
  const named = new Set(names);
  return (bucket, name) => {
    if (name !== "other") return bucket.flags.get(name) ?? 0;
    let other = 0;
    for (const [flag, count] of bucket.flags) if (!named.has(flag)) other += count;
    return other;
  };
}

function percentiles(group: TrafficGroup): [number, number, number] | undefined {
  const p50 = group.durations.percentile(0.5);
  const p95 = group.durations.percentile(0.95);
  const p99 = group.durations.percentile(0.99);
  return p50 === undefined || p95 === undefined || p99 === undefined ? undefined : [p50, p95, p99];
}

const HOST_ROWS = 12;

/** p50, p95 and p99 of each upstream host (the busiest), on a log scale. */
function latencyChart(hosts: ReadonlyArray<[string, TrafficGroup, [number, number, number]]>, podOf: TrafficInput["podOf"], label: string): string {
  const left = 300;
  const maximum = Math.max(1, ...hosts.map(([, , p]) => p[2]));
  const ceiling = 10 ** Math.ceil(Math.log10(maximum + 1));
  const x = (ms: number) => round(left + (Math.log10(ms + 1) / Math.log10(ceiling + 1)) * (WIDTH - left - 16));
  const parts: string[] = [];
  for (let tick = 1; tick <= ceiling; tick *= 10) parts.push(`<line class="grid" x1="${x(tick)}" y1="6" x2="${x(tick)}" y2="${hosts.length * 22 + 6}"/><text class="tick-label" x="${x(tick)}" y="${hosts.length * 22 + 20}" text-anchor="middle">${own(tick >= 1000 ? `${tick / 1000}s` : `${tick}ms`)}</text>`);
  hosts.forEach(([host, group, [p50, p95, p99]], index) => {
    const y = 16 + index * 22;
    const pod = podOf?.(host);
    const name = pod ? `${host} ${pod}` : host;
    parts.push(`<text class="lane-label" x="${left - 8}" y="${y + 4}" text-anchor="end">${safe(name.length > 48 ? `${name.slice(0, 47)}…` : name)}</text>`);
    parts.push(`<line class="range" x1="${x(p50)}" y1="${y}" x2="${x(p99)}" y2="${y}"/>`);
    const tip = `${host}${pod ? ` (${pod})` : ""}: ${group.requests} requests, ${group.errors} errors, p50 ${p50}ms, p95 ${p95}ms, p99 ${p99}ms`;
    for (const [mark, value] of [["p50", p50], ["p95", p95], ["p99", p99]] as const) parts.push(`<circle data-mark="${mark}" class="pct ${mark}" cx="${x(value)}" cy="${y}" r="${mark === "p99" ? 5 : 4}"><title>${safe(`${mark} ${value}ms · ${tip}`)}</title></circle>`);
  });
  return svg(WIDTH, hosts.length * 22 + 28, label, parts.join(""), "chart latency");
}

/** The hosts with the highest p99, as bars. */
function slowestChart(hosts: ReadonlyArray<[string, TrafficGroup, [number, number, number]]>, podOf: TrafficInput["podOf"], label: string): string {
  const left = 300;
  const maximum = Math.max(1, ...hosts.map(([, , p]) => p[2]));
  const parts: string[] = [];
  hosts.forEach(([host, group, [, , p99]], index) => {
    const y = 8 + index * 22;
    const pod = podOf?.(host);
    const name = pod ? `${host} ${pod}` : host;
    const width = round(Math.max(1, (p99 / maximum) * (WIDTH - left - 90)));
    parts.push(`<text class="lane-label" x="${left - 8}" y="${y + 12}" text-anchor="end">${safe(name.length > 48 ? `${name.slice(0, 47)}…` : name)}</text>`);
    parts.push(`<rect data-mark="bar" data-count="${p99}" class="bar slow${group.errors > 0 ? " failing" : ""}" x="${left}" y="${y}" width="${width}" height="16"><title>${safe(`${host}: p99 ${p99}ms over ${group.requests} requests, ${group.errors} errors`)}</title></rect><text class="value-label" x="${left + width + 6}" y="${y + 12}">${own(`${p99}ms`)}</text>`);
  });
  return svg(WIDTH, hosts.length * 22 + 12, label, parts.join(""), "chart slowest");
}

/** The pictures of one access log: req/s by code class and by flag, latency per host, the slowest hosts. */
export function trafficSection(input: TrafficInput): string {
  const { summary, timeline } = input;
  const series = timeline.series();
  const figures: string[] = [];
  const name = input.proxy ? `${input.proxy} (${input.source})` : input.source;
  if (series) {
    const classTotals = new Map<string, number>();
    for (const bucket of series.buckets) for (const [kind, count] of bucket.classes) classTotals.set(kind, (classTotals.get(kind) ?? 0) + count);
    const classes = CODE_CLASSES.filter((kind) => classTotals.has(kind));
    figures.push(`<figure class="figure traffic" data-chart="codes" data-requests="${timeline.requests}"><figcaption>Requests per second by response code class <span class="dim">(buckets of ${own(duration(series.width))}, UTC)</span></figcaption>${stackedChart(series, classes, (bucket, kind) => bucket.classes.get(kind as CodeClass) ?? 0, safe(`requests per second by response code class, ${name}`), "codes", classColour)}${legend(classes, classTotals, classColour)}</figure>`);
    const flags = flagNames(series);
    if (flags.names.length > 0) {
      const flagged = [...flags.totals.values()].reduce((sum, count) => sum + count, 0);
      figures.push(`<figure class="figure traffic" data-chart="flags" data-flagged="${flagged}"><figcaption>Requests per second by response flag <span class="dim">(requests with no flag left out)</span></figcaption>${stackedChart(series, flags.names, flagValue(flags.names), safe(`requests per second by response flag, ${name}`), "flags", flagColour(flags.names))}${legend(flags.names, flags.totals, flagColour(flags.names))}${flagTable(summary)}</figure>`);
    } else {
      figures.push(`<p class="note">No request carried a response flag.</p>`);
    }
  }
  const hosts = [...summary.byHost.entries()]
    .map(([host, group]) => [host, group, percentiles(group)] as const)
    .filter((row): row is [string, TrafficGroup, [number, number, number]] => row[2] !== undefined);
  if (hosts.length > 0) {
    const busiest = [...hosts].sort((a, b) => b[1].requests - a[1].requests || a[0].localeCompare(b[0])).slice(0, HOST_ROWS);
    const slowest = [...hosts].sort((a, b) => b[2][2] - a[2][2] || a[0].localeCompare(b[0])).slice(0, 10);
    figures.push(`<figure class="figure latency" data-chart="latency" data-hosts="${busiest.length}"><figcaption>Latency per upstream host: <span class="pct-key p50"></span> p50 <span class="pct-key p95"></span> p95 <span class="pct-key p99"></span> p99 <span class="dim">(log scale; the ${own(busiest.length)} busiest of ${own(hosts.length)} hosts)</span></figcaption>${latencyChart(busiest, input.podOf, safe(`latency percentiles per upstream host, ${name}`))}</figure>`);
    figures.push(`<figure class="figure slowest" data-chart="slowest" data-hosts="${slowest.length}"><figcaption>Slowest upstream hosts by p99</figcaption>${slowestChart(slowest, input.podOf, safe(`slowest upstream hosts, ${name}`))}${hostTable(slowest, input.podOf)}</figure>`);
  }
  const p = (fraction: number) => summary.durations.percentile(fraction);
  const headline = `${summary.entries} requests${timeline.untimed ? ` (${timeline.untimed} without a start time)` : ""}${summary.entries > 0 ? `, p50 ${p(0.5) ?? "-"}ms, p95 ${p(0.95) ?? "-"}ms, p99 ${p(0.99) ?? "-"}ms` : ""}`;
  return `<section class="traffic-log" data-source="${safe(input.source)}"><h3>${safe(name)}</h3><p class="dim">${own(headline)}</p>${figures.join("")}</section>`;
}

/** Every response flag with its count and what Envoy means by it. */
function flagTable(summary: AccessLogSummary): string {
  const rows = [...summary.flags.entries()]
    .filter(([flag]) => flag !== "-")
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([flag, count]) => {
      const known = responseFlag(flag);
      return `<tr><td><code>${safe(flag)}</code></td><td class="num">${own(count)}</td><td>${known ? safe(`${known.longName}: ${known.meaning}`) : "unknown flag"}</td></tr>`;
    });
  return `<details class="data"><summary>Response flags</summary><table><thead><tr><th>flag</th><th>requests</th><th>meaning</th></tr></thead><tbody>${rows.join("")}</tbody></table></details>`;
}

function hostTable(hosts: ReadonlyArray<[string, TrafficGroup, [number, number, number]]>, podOf: TrafficInput["podOf"]): string {
  const rows = hosts.map(([host, group, [p50, p95, p99]]) => `<tr><td>${safe(host)}</td><td>${safe(podOf?.(host) ?? "-")}</td><td>${safe(group.cluster || "-")}</td><td class="num">${own(group.requests)}</td><td class="num">${own(group.errors)}</td><td class="num">${own(p50)}</td><td class="num">${own(p95)}</td><td class="num">${own(p99)}</td></tr>`);
  return `<details class="data"><summary>Hosts</summary><table><thead><tr><th>upstream host</th><th>pod</th><th>cluster</th><th>requests</th><th>errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th></tr></thead><tbody>${rows.join("")}</tbody></table></details>`;
}
