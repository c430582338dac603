/** A thread of access-log-threads.ts: summarises one range of an access-log file and posts the summary. */
import { parentPort, workerData } from "node:worker_threads";
import { AccessLogReader } from "../envoy/access-log/reader.js";
import { readAccessLogFile } from "./access-log-files.js";
import type { RangeTask } from "./access-log-threads.js";

const task = workerData as RangeTask;
const reader = new AccessLogReader({ format: task.format, containerLog: task.containerLog });
reader.summary.keepSampleCandidates = true;
parentPort!.postMessage(readAccessLogFile(reader, task.path, undefined, task.range));
