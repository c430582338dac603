import type { AccessLogEntry } from "./format.js";
import { splitResponseFlags } from "./response-flags.js";

/** A log line kept as evidence: where it is and what it says. */
export interface LineSample {
  line: number;
  text: string;
  /** The response flags of the line, so evidence can show one line per kind. */
  kind?: string;
}

/** Durations in whole milliseconds -> how many requests took that long; exact and bounded. */
const DENSE_LIMIT = 1024;

export class DurationHistogram {
  /** Counts for 0..1023 ms, allocated on first use; longer durations go to `sparse`. */
  private dense: Uint32Array | undefined;
  private readonly sparse = new Map<number, number>();
  total = 0;

  add(milliseconds: number): void {
    const key = Math.round(milliseconds);
    if (key >= 0 && key < DENSE_LIMIT) {
      (this.dense ??= new Uint32Array(DENSE_LIMIT))[key]!++;
    } else {
      this.sparse.set(key, (this.sparse.get(key) ?? 0) + 1);
    }
    this.total++;
  }

  /** Adds the counts of a histogram of other requests (one made in another thread: its fields, not its class). */
  addCounts(other: DurationHistogram): void {
    if (other.dense) {
      const dense = (this.dense ??= new Uint32Array(DENSE_LIMIT));
      for (let key = 0; key < DENSE_LIMIT; key++) dense[key]! += other.dense[key]!;
    }
    for (const [key, count] of other.sparse) this.sparse.set(key, (this.sparse.get(key) ?? 0) + count);
    this.total += other.total;
  }

  merge(other: DurationHistogram): void {
    for (const [key, count] of other.counts) {
      for (let i = 0; i < count; i++) this.add(key);
    }
  }

  private get counts(): Map<number, number> {
    const all = new Map<number, number>();
    if (this.dense) this.dense.forEach((count, key) => count > 0 && all.set(key, count));
    for (const [key, count] of this.sparse) all.set(key, count);
    return all;
  }

  /** The smallest duration at or above which `fraction` of requests fall (nearest rank). */
  percentile(fraction: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    let seen = 0;
    const counts = this.counts;
    for (const key of [...counts.keys()].sort((a, b) => a - b)) {
      seen += counts.get(key)!;
      if (seen >= rank) return key;
    }
    return undefined;
  }

  /** The most common duration (ties: the smallest). */
  mode(): number | undefined {
    let best: number | undefined;
    let bestCount = 0;
    for (const [key, count] of this.counts) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    return best;
  }
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  if (key === "") return;
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Adds `other`'s counts to `into`; keys new to `into` go after its own, in `other`'s order (first seen first). */
function addCounts<K>(into: Map<K, number>, other: ReadonlyMap<K, number>): void {
  for (const [key, count] of other) into.set(key, (into.get(key) ?? 0) + count);
}

/** Requests grouped by one key (cluster, host ...), with latency percentiles. */
export class TrafficGroup {
  requests = 0;
  errors = 0;
  readonly durations = new DurationHistogram();
  /** Durations of the requests that got a 1xx-3xx answer, to compare with failures. */
  readonly successDurations = new DurationHistogram();
  readonly codes = new Map<number, number>();
  readonly flags = new Map<string, number>();
  /** For hosts: the cluster they were first reached through. */
  cluster = "";

  add(entry: AccessLogEntry, flags: readonly string[]): void {
    this.requests++;
    if (entry.responseCode >= 500 || entry.responseCode === 0) this.errors++;
    if (entry.duration !== undefined) {
      this.durations.add(entry.duration);
      if (entry.responseCode > 0 && entry.responseCode < 400) this.successDurations.add(entry.duration);
    }
    this.codes.set(entry.responseCode, (this.codes.get(entry.responseCode) ?? 0) + 1);
    for (const flag of flags) bump(this.flags, flag);
    if (this.cluster === "") this.cluster = entry.upstreamCluster;
  }

  /** Adds the requests of the same group in the lines that follow this group's. */
  addFollowing(other: TrafficGroup): void {
    this.requests += other.requests;
    this.errors += other.errors;
    this.durations.addCounts(other.durations);
    this.successDurations.addCounts(other.successDurations);
    addCounts(this.codes, other.codes);
    addCounts(this.flags, other.flags);
    if (this.cluster === "") this.cluster = other.cluster;
  }

  /** What `add` does with a request answered 1xx-3xx with no response flag (see AccessLogSummary.addPlain). */
  addPlain(code: number, duration: number | undefined, cluster: string): void {
    this.requests++;
    if (duration !== undefined) {
      this.durations.add(duration);
      this.successDurations.add(duration);
    }
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
    if (this.cluster === "") this.cluster = cluster;
  }
}

/** Requests that share one failure signature (a flag, an RBAC denial, BlackHoleCluster ...). */
export class IssueBucket {
  count = 0;
  readonly samples: LineSample[] = [];
  readonly clusters = new Map<string, number>();
  readonly routes = new Map<string, number>();
  readonly hosts = new Map<string, number>();
  readonly authorities = new Map<string, number>();
  readonly details = new Map<string, number>();
  readonly codes = new Map<string, number>();
  readonly transportFailures = new Map<string, number>();
  /** The response flags of these requests, in the order first seen. */
  readonly flags = new Map<string, number>();
  readonly durations = new DurationHistogram();
  firstTime = "";
  lastTime = "";
  /**
   * Kept when the lines are part of a file (AccessLogSummary.keepSampleCandidates): every line `add` could keep
   * as a sample had the lines before been read too. It keeps a line while it has fewer than 5 samples, or fewer
   * than 10 and none of the line's kind: only the first 5 lines and the first line of each kind qualify, and
   * past the first 25 kinds no line does (10 kept, at most 10 kinds in the samples before).
   */
  sampleCandidates: LineSample[] | undefined;

  add(entry: AccessLogEntry, line: number, text: string, flags: readonly string[] = []): void {
    this.count++;
    for (const flag of flags) bump(this.flags, flag);
    const kind = flags.join(",");
    if (this.samples.length < 5 || (this.samples.length < 10 && !this.samples.some((sample) => sample.kind === kind))) this.samples.push({ line, text, kind });
    const candidates = this.sampleCandidates;
    if (candidates && (this.count <= 5 || (candidates.length < 5 + 25 && !candidates.some((sample) => sample.kind === kind)))) candidates.push({ line, text, kind });
    bump(this.clusters, entry.upstreamCluster);
    bump(this.routes, entry.routeName);
    bump(this.hosts, entry.upstreamHost);
    bump(this.authorities, entry.authority || entry.requestedServerName);
    bump(this.details, entry.responseCodeDetails);
    bump(this.codes, String(entry.responseCode));
    bump(this.transportFailures, entry.upstreamTransportFailureReason);
    if (entry.duration !== undefined) this.durations.add(entry.duration);
    if (entry.startTime && (this.firstTime === "" || entry.startTime < this.firstTime)) this.firstTime = entry.startTime;
    if (entry.startTime > this.lastTime) this.lastTime = entry.startTime;
  }

  /** Adds the same bucket of the lines that follow this bucket's (`lineOffset` lines later), as if `add` had read them. */
  addFollowing(other: IssueBucket, lineOffset: number): void {
    this.count += other.count;
    for (const candidate of other.sampleCandidates ?? other.samples) {
      const { kind } = candidate;
      if (this.samples.length < 5 || (this.samples.length < 10 && !this.samples.some((sample) => sample.kind === kind))) this.samples.push({ ...candidate, line: candidate.line + lineOffset });
    }
    for (const name of ["clusters", "routes", "hosts", "authorities", "details", "codes", "transportFailures", "flags"] as const) addCounts(this[name], other[name]);
    this.durations.addCounts(other.durations);
    if (other.firstTime && (this.firstTime === "" || other.firstTime < this.firstTime)) this.firstTime = other.firstTime;
    if (other.lastTime > this.lastTime) this.lastTime = other.lastTime;
  }

  /** Adds another bucket's counts (several flags reported as one problem). */
  mergeFrom(other: IssueBucket): void {
    this.count += other.count;
    for (const sample of other.samples) if (this.samples.length < 10) this.samples.push(sample);
    this.samples.sort((a, b) => a.line - b.line);
    for (const name of ["clusters", "routes", "hosts", "authorities", "details", "codes", "transportFailures", "flags"] as const) {
      for (const [key, value] of other[name]) this[name].set(key, (this[name].get(key) ?? 0) + value);
    }
    this.durations.merge(other.durations);
    if (other.firstTime && (this.firstTime === "" || other.firstTime < this.firstTime)) this.firstTime = other.firstTime;
    if (other.lastTime > this.lastTime) this.lastTime = other.lastTime;
  }
}

/**
 * Failure signatures: a response flag, or a family of flags one problem
 * produces together (UF,URX on one line is one failed request), or a denial.
 */
export type IssueKey = string | "CONNECT" | "DISCONNECT" | "RBAC" | "JWT" | "BLACKHOLE";

const FLAG_FAMILIES: Record<string, IssueKey> = { UF: "CONNECT", UC: "CONNECT", URX: "CONNECT", UR: "CONNECT", DC: "DISCONNECT", DR: "DISCONNECT" };

export function issueKeyOf(flag: string): IssueKey {
  return FLAG_FAMILIES[flag] ?? flag;
}

export interface SkippedLines {
  count: number;
  samples: LineSample[];
}

/** Everything `envoy logs` and the access-log rules need, built in one pass in constant memory. */
export class AccessLogSummary {
  lines = 0;
  entries = 0;
  /** Lines in a container log that are pilot-agent/Envoy messages, not access-log lines. */
  otherLines = 0;
  readonly skipped: SkippedLines = { count: 0, samples: [] };
  /** Lines in the JSON encoding vs TEXT/custom format, to report mixed files. */
  jsonEntries = 0;
  textEntries = 0;
  readonly codes = new Map<number, number>();
  readonly flags = new Map<string, number>();
  readonly byCluster = new Map<string, TrafficGroup>();
  readonly byHost = new Map<string, TrafficGroup>();
  readonly issues = new Map<IssueKey, IssueBucket>();
  readonly durations = new DurationHistogram();
  /** The lines are part of a file whose other parts are read elsewhere: issues keep their sample candidates. */
  keepSampleCandidates = false;

  /**
   * Adds the summary of the lines that follow this summary's (read in another thread: its fields, not its
   * class); the result is the summary of all the lines read in order, line numbers included.
   */
  addFollowing(other: AccessLogSummary): void {
    const lineOffset = this.lines;
    this.lines += other.lines;
    this.entries += other.entries;
    this.otherLines += other.otherLines;
    this.skipped.count += other.skipped.count;
    for (const sample of other.skipped.samples) if (this.skipped.samples.length < 5) this.skipped.samples.push({ ...sample, line: sample.line + lineOffset });
    this.jsonEntries += other.jsonEntries;
    this.textEntries += other.textEntries;
    addCounts(this.codes, other.codes);
    addCounts(this.flags, other.flags);
    for (const [key, group] of other.byCluster) this.group(this.byCluster, key).addFollowing(group);
    for (const [key, group] of other.byHost) this.group(this.byHost, key).addFollowing(group);
    for (const [key, bucket] of other.issues) this.issue(key).addFollowing(bucket, lineOffset);
    this.durations.addCounts(other.durations);
  }

  addEntry(entry: AccessLogEntry, line: number, text: string, json: boolean): void {
    this.entries++;
    if (json) this.jsonEntries++;
    else this.textEntries++;
    const flags = splitResponseFlags(entry.responseFlags);
    this.codes.set(entry.responseCode, (this.codes.get(entry.responseCode) ?? 0) + 1);
    if (flags.length === 0) bump(this.flags, "-");
    // BlackHoleCluster has no endpoints by design: its UH is the outbound policy, not an unhealthy service.
    const blackHole = entry.upstreamCluster === "BlackHoleCluster";
    let previousKey: IssueKey | undefined;
    for (const flag of flags) {
      bump(this.flags, flag);
      const key = issueKeyOf(flag);
      if (blackHole || key === previousKey) continue;
      const family = flags.length === 1 ? flags : flags.filter((other) => issueKeyOf(other) === key);
      if (family.length > 1 && family[0] !== flag) continue;
      this.issue(key).add(entry, line, text, family);
      previousKey = key;
    }
    if (entry.duration !== undefined) this.durations.add(entry.duration);
    if (entry.upstreamCluster) this.group(this.byCluster, entry.upstreamCluster).add(entry, flags);
    if (entry.upstreamHost) this.group(this.byHost, entry.upstreamHost).add(entry, flags);
    const details = entry.responseCodeDetails;
    if (entry.responseCode < 400 && entry.responseCode !== 0 && !blackHole) return;
    if (details.startsWith("rbac_access_denied") || (entry.responseCode === 403 && /RBAC/i.test(details))) this.issue("RBAC").add(entry, line, text, flags);
    if (details.startsWith("jwt_authn_access_denied") || details.includes("Jwt_verification_fails") || details.includes("Jwt_is_missing")) this.issue("JWT").add(entry, line, text, flags);
    if (entry.upstreamCluster === "BlackHoleCluster" || entry.routeName === "block_all") this.issue("BLACKHOLE").add(entry, line, text, flags);
  }

  /**
   * What addEntry does with a TEXT entry answered 1xx-3xx with no response flag, outside BlackHoleCluster
   * (scanPlainIstioText's lines): counted and grouped, never an issue. "" is an absent cluster or host.
   */
  addPlain(code: number, duration: number | undefined, cluster: string, host: string): void {
    this.entries++;
    this.textEntries++;
    this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
    bump(this.flags, "-");
    if (duration !== undefined) this.durations.add(duration);
    if (cluster) this.group(this.byCluster, cluster).addPlain(code, duration, cluster);
    if (host) this.group(this.byHost, host).addPlain(code, duration, cluster);
  }

  addSkipped(line: number, text: string): void {
    this.skipped.count++;
    if (this.skipped.samples.length < 5) this.skipped.samples.push({ line, text: text.length > 200 ? `${text.slice(0, 200)}...` : text });
  }

  issue(key: IssueKey): IssueBucket {
    let bucket = this.issues.get(key);
    if (!bucket) {
      this.issues.set(key, (bucket = new IssueBucket()));
      if (this.keepSampleCandidates) bucket.sampleCandidates = [];
    }
    return bucket;
  }

  private group(map: Map<string, TrafficGroup>, key: string): TrafficGroup {
    let group = map.get(key);
    if (!group) map.set(key, (group = new TrafficGroup()));
    return group;
  }
}
