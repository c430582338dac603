import { parseAge } from "../../k8s/durations.js";
import type { EventRecord } from "../../model/inputs.js";
import { own, safe, token } from "./escape.js";
import { clock, round, svg, timeAxis, timeScale } from "./svg.js";

export interface TimedEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  first: number;
  last: number;
  /** The container (from `spec.containers{app}`) the event is about. */
  container?: string;
}

function time(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** kubectl's text events have ages, not times: `3m`, or `2m (x7 over 10m)` for a series, counted back from now. */
function fromAge(age: string | undefined, now: number): { first: number; last: number } | undefined {
  const match = /^(\S+)(?: \(x\d+ over (\S+)\))?$/.exec(age?.trim() ?? "");
  if (!match) return undefined;
  const latest = parseAge(match[1]!);
  if (latest === undefined) return undefined;
  const earliest = match[2] !== undefined ? parseAge(match[2]) : latest;
  return { first: now - Math.max(latest, earliest ?? latest) * 1000, last: now - latest * 1000 };
}

/** Events with a time (or an age, counted back from `now`), oldest first; events with neither are left out. */
export function timedEvents(events: readonly EventRecord[], now: number): TimedEvent[] {
  const out: TimedEvent[] = [];
  for (const event of events) {
    const aged = event.firstTimestamp || event.lastTimestamp ? undefined : fromAge(event.age, now);
    const first = time(event.firstTimestamp) ?? time(event.lastTimestamp) ?? aged?.first;
    if (first === undefined) continue;
    const last = Math.max(first, time(event.lastTimestamp) ?? aged?.last ?? first);
    const container = /\{([^}]{1,253})\}$/.exec(event.involved.fieldPath ?? "")?.[1];
    out.push({ type: event.type, reason: event.reason, message: event.message, count: event.count, first, last, ...(container ? { container } : {}) });
  }
  return out.sort((a, b) => a.first - b.first || a.reason.localeCompare(b.reason));
}

const WIDTH = 880;
const LABEL_WIDTH = 190;
const LANE = 22;

/** One lane per reason (and container): a dot for a single event, a bar from first to last seen for a series. */
export function eventChart(events: readonly TimedEvent[], now: number, title: string): string {
  if (events.length === 0) return "";
  const lanes: string[] = [];
  const laneOf = (event: TimedEvent) => `${event.reason}${event.container ? ` (${event.container})` : ""}`;
  for (const event of events) if (!lanes.includes(laneOf(event))) lanes.push(laneOf(event));
  const from = Math.min(...events.map((event) => event.first));
  const to = Math.max(now, ...events.map((event) => event.last));
  const pad = Math.max(1000, (to - from) * 0.02);
  const scale = timeScale(from - pad, to + pad, LABEL_WIDTH, WIDTH - LABEL_WIDTH - 12);
  const parts: string[] = [];
  lanes.forEach((lane, index) => {
    const y = 16 + index * LANE;
    parts.push(`<text class="lane-label" x="${LABEL_WIDTH - 8}" y="${y + 4}" text-anchor="end">${safe(lane.length > 30 ? `${lane.slice(0, 29)}…` : lane)}</text><line class="lane" x1="${LABEL_WIDTH}" y1="${y}" x2="${WIDTH - 12}" y2="${y}"/>`);
  });
  for (const event of events) {
    const y = 16 + lanes.indexOf(laneOf(event)) * LANE;
    const x1 = scale.x(event.first);
    const x2 = scale.x(event.last);
    const kind = token(event.type === "Warning" ? "warning" : "normal");
    const tip = `${event.type} ${event.reason}${event.count > 1 ? ` ×${event.count}, ${clock(event.first)} to ${clock(event.last)}` : ` at ${clock(event.first)}`}: ${event.message}`;
    const body = `<title>${safe(tip.length > 600 ? `${tip.slice(0, 600)}…` : tip)}</title>`;
    if (x2 - x1 >= 3) parts.push(`<g data-mark="event" class="event ${kind}"><rect x="${x1}" y="${y - 5}" width="${round(x2 - x1)}" height="10" rx="5"/>${body}</g>`);
    else parts.push(`<g data-mark="event" class="event ${kind}"><circle cx="${x1}" cy="${y}" r="5"/>${body}</g>`);
    if (event.count > 1) parts.push(`<text class="count-label" x="${round(Math.max(x2, x1) + 8)}" y="${y + 4}">${own(`×${event.count}`)}</text>`);
  }
  const nowX = scale.x(now);
  const bottom = 16 + lanes.length * LANE - 8;
  parts.push(`<line class="now" x1="${nowX}" y1="4" x2="${nowX}" y2="${bottom}"/>`);
  parts.push(timeAxis(scale, bottom + 4));
  return svg(WIDTH, bottom + 26, title, parts.join(""));
}

export function eventFigure(namespace: string, pod: string, events: readonly TimedEvent[], now: number): string {
  if (events.length === 0) return "";
  const label = `event timeline of pod ${namespace}/${pod}: ${events.length} events`;
  const rows = events
    .map((event) => `<tr class="${event.type === "Warning" ? "warning" : ""}"><td>${own(clock(event.first))}</td><td>${event.count > 1 ? own(clock(event.last)) : ""}</td><td>${safe(event.type)}</td><td>${safe(event.reason)}</td><td>${own(event.count)}</td><td class="message">${safe(event.message)}</td></tr>`)
    .join("");
  return `<figure class="figure events" data-chart="events" data-events="${events.length}"><figcaption>${safe(`Events of pod ${namespace}/${pod}`)}</figcaption>${eventChart(events, now, safe(label))}<details class="data"><summary>Events</summary><table><thead><tr><th>first</th><th>last</th><th>type</th><th>reason</th><th>count</th><th>message</th></tr></thead><tbody>${rows}</tbody></table></details></figure>`;
}
