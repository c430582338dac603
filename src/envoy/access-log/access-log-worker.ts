/** A thread of parallel.ts: summarises one range of an access-log file and posts the summary. */
import { parentPort, workerData } from "node:worker_threads";
import type { RangeTask } from "./parallel.js";
import { AccessLogReader } from "./reader.js";

const task = workerData as RangeTask;
const reader = new AccessLogReader({ format: task.format, containerLog: task.containerLog });
reader.summary.keepSampleCandidates = true;
parentPort!.postMessage(reader.feedFile(task.path, undefined, task.range));
