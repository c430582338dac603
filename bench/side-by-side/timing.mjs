// Times commands the way both tools are run by users: a fresh process each run, output to a file.
// Wall time from spawn to exit, CPU time (user + sys) of the child from bash's `times`.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";

/** Runs `command args` `runs` times (with `env` added to the environment); returns medians and the last run's output and exit status. */
export function timeRuns(command, args, { runs, out, okStatus = [0, 1], env = {} }) {
  const walls = [];
  const cpu = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    // `times` prints the children's user and system time once the command has exited.
    const result = spawnSync("bash", ["-c", '"$@" > "$OUT" 2> "$OUT.err"; status=$?; times; exit $status', "time", command, ...args], { encoding: "utf8", env: { ...process.env, ...env, OUT: out, NO_COLOR: "1" } });
    walls.push(Number(process.hrtime.bigint() - started) / 1e6);
    const children = result.stdout.trim().split("\n").pop() ?? "";
    cpu.push(children.split(/\s+/).reduce((sum, part) => sum + seconds(part), 0) * 1000);
    last = { status: result.status, stdout: existsSync(out) ? readFileSync(out, "utf8") : "", stderr: existsSync(`${out}.err`) ? readFileSync(`${out}.err`, "utf8") : "" };
    if (!okStatus.includes(result.status)) break;
  }
  return { wall: median(walls), cpu: median(cpu), runs: walls.length, last };
}

/** `0m1.234s` -> 1.234 */
function seconds(text) {
  const match = /^(\d+)m([\d.]+)s$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : 0;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
}

export function machine() {
  const cores = cpus();
  return `${cores.length} x ${cores[0]?.model.trim() ?? "CPU"}, load ${loadavg().map((value) => value.toFixed(1)).join(" ")}, Node ${process.version}`;
}

export function ms(value) {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${value.toFixed(0)} ms`;
}

export function ratio(ours, theirs) {
  return ours <= theirs ? `ktriage ${(theirs / ours).toFixed(1)}x faster` : `ktriage ${(ours / theirs).toFixed(1)}x slower`;
}

/** The ktriage CLI to time: KTRIAGE_DIST=<dist folder> (another build), else this checkout's dist/. */
export function ktriageCli(repo) {
  const dist = process.env.KTRIAGE_DIST ?? join(repo, "dist");
  const cli = join(dist, "cli.js");
  if (!existsSync(cli)) {
    console.error(`no ${cli}: run npm run build first (or set KTRIAGE_DIST)`);
    process.exit(2);
  }
  return cli;
}
