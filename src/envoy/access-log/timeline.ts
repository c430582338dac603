import type { AccessLogEntry } from "./format.js";
import { splitResponseFlags } from "./response-flags.js";

/** Response code classes, in the order the charts stack them; `0` is no response (Envoy logs 0). */
export const CODE_CLASSES = ["2xx", "3xx", "1xx", "4xx", "5xx", "no response"] as const;
export type CodeClass = (typeof CODE_CLASSES)[number];

export function codeClass(code: number): CodeClass {
  if (code >= 500) return "5xx";
  if (code >= 400) return "4xx";
  if (code >= 300) return "3xx";
  if (code >= 200) return "2xx";
  if (code >= 100) return "1xx";
  return "no response";
}

export interface Bucket {
  total: number;
  classes: Map<CodeClass, number>;
  flags: Map<string, number>;
}

/** Above this many buckets the timeline halves its resolution: memory stays bounded on any log. */
const MAX_BUCKETS = 20_000;

/** Requests per time bucket by code class and response flag, built one entry at a time. */
export class TrafficTimeline {
  private buckets = new Map<number, Bucket>();
  /** Seconds a bucket spans; doubles when there are too many buckets. */
  private resolution = 1;
  private lastText = "";
  private lastSecond = Number.NaN;
  requests = 0;
  /** Requests without a start time the timeline can place. */
  untimed = 0;

  add(entry: AccessLogEntry): void {
    const second = this.secondOf(entry.startTime);
    if (Number.isNaN(second)) {
      this.untimed++;
      return;
    }
    this.requests++;
    const key = Math.floor(second / this.resolution);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      this.buckets.set(key, (bucket = { total: 0, classes: new Map(), flags: new Map() }));
      if (this.buckets.size > MAX_BUCKETS) this.coarsen();
      bucket = this.buckets.get(Math.floor(second / this.resolution))!;
    }
    bucket.total++;
    const kind = codeClass(entry.responseCode);
    bucket.classes.set(kind, (bucket.classes.get(kind) ?? 0) + 1);
    for (const flag of splitResponseFlags(entry.responseFlags)) bucket.flags.set(flag, (bucket.flags.get(flag) ?? 0) + 1);
  }

  private secondOf(text: string): number {
    // Entries of one second share the same prefix: parse once per second.
    const prefix = text.slice(0, 19);
    if (prefix === this.lastText) return this.lastSecond;
    const parsed = Date.parse(text);
    this.lastText = prefix;
    this.lastSecond = Number.isFinite(parsed) ? Math.floor(parsed / 1000) : Number.NaN;
    return this.lastSecond;
  }

  private coarsen(): void {
    this.resolution *= 2;
    const merged = new Map<number, Bucket>();
    for (const [key, bucket] of this.buckets) {
      const target = Math.floor(key / 2);
      const into = merged.get(target);
      if (!into) merged.set(target, bucket);
      else mergeBucket(into, bucket);
    }
    this.buckets = merged;
  }

  /** The timeline in about `target` buckets of a round width, empty buckets included. */
  series(target = 90): TrafficSeries | undefined {
    if (this.buckets.size === 0) return undefined;
    const keys = [...this.buckets.keys()];
    const first = Math.min(...keys) * this.resolution;
    const last = (Math.max(...keys) + 1) * this.resolution;
    const width = BUCKET_WIDTHS.find((seconds) => seconds >= this.resolution && (last - first) / seconds <= target) ?? Math.ceil((last - first) / target);
    const start = Math.floor(first / width) * width;
    const count = Math.max(1, Math.ceil((last - start) / width));
    const buckets: Bucket[] = Array.from({ length: count }, () => ({ total: 0, classes: new Map(), flags: new Map() }));
    for (const [key, bucket] of this.buckets) mergeBucket(buckets[Math.min(count - 1, Math.floor((key * this.resolution - start) / width))]!, bucket);
    return { start: start * 1000, width, buckets };
  }
}

const BUCKET_WIDTHS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

function mergeBucket(into: Bucket, from: Bucket): void {
  into.total += from.total;
  for (const [key, value] of from.classes) into.classes.set(key, (into.classes.get(key) ?? 0) + value);
  for (const [key, value] of from.flags) into.flags.set(key, (into.flags.get(key) ?? 0) + value);
}

export interface TrafficSeries {
  /** Epoch ms of the first bucket. */
  start: number;
  /** Seconds a bucket spans. */
  width: number;
  buckets: Bucket[];
}
