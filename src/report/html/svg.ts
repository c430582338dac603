import { own } from "./escape.js";

/** A linear scale from a time range (epoch ms) to pixels. */
export interface TimeScale {
  from: number;
  to: number;
  left: number;
  width: number;
  x(time: number): number;
}

export function timeScale(from: number, to: number, left: number, width: number): TimeScale {
  const span = Math.max(1, to - from);
  return { from, to, left, width, x: (time) => round(left + ((time - from) / span) * width) };
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}

const STEPS_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** Tick times at a round step, about `count` of them. */
export function timeTicks(from: number, to: number, count = 6): number[] {
  const span = Math.max(1, (to - from) / 1000);
  const step = (STEPS_SECONDS.find((seconds) => span / seconds <= count) ?? STEPS_SECONDS[STEPS_SECONDS.length - 1]!) * 1000;
  const ticks: number[] = [];
  for (let tick = Math.ceil(from / step) * step; tick <= to && ticks.length <= count * 4; tick += step) ticks.push(tick);
  return ticks;
}

/** `10:27:40` (UTC); with the date when the range spans days. */
export function clock(time: number, withDate = false): string {
  const iso = new Date(time).toISOString();
  return withDate ? `${iso.slice(5, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
}

/** `21s`, `5m`, `2m30s`, `1h4m`. */
export function duration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return whole % 60 === 0 ? `${whole / 60}m` : `${Math.floor(whole / 60)}m${whole % 60}s`;
  const minutes = Math.round(whole / 60);
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}

/** The time axis: a baseline and labelled ticks under a chart. */
export function timeAxis(scale: TimeScale, y: number): string {
  const ticks = timeTicks(scale.from, scale.to);
  const days = new Date(scale.from).toISOString().slice(0, 10) !== new Date(scale.to).toISOString().slice(0, 10);
  const parts = [`<line class="axis" x1="${scale.left}" y1="${y}" x2="${scale.left + scale.width}" y2="${y}"/>`];
  for (const tick of ticks) {
    const x = scale.x(tick);
    parts.push(`<line class="tick" x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}"/><text class="tick-label" x="${x}" y="${y + 15}" text-anchor="middle">${own(clock(tick, days))}</text>`);
  }
  return parts.join("");
}

/** An SVG element that scales to its container; `label` is its accessible name. */
export function svg(width: number, height: number, label: string, body: string, className = "chart"): string {
  return `<svg class="${className}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${label}" preserveAspectRatio="xMinYMin meet">${body}</svg>`;
}
