import type { MissingEvidence } from "../../model/inputs.js";
import type { KubeObject } from "../../model/kube.js";
import { summariseProxyLog } from "../envoy.js";
import { splitLines } from "../files.js";
import { addMeshConfigFromObjects } from "../mesh-config.js";
import type { ViewBuilder } from "../../view/builder.js";
import type { ResourceType } from "./resources.js";

export interface GatheredLog {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  /** The API call that returned it: `GET /api/v1/namespaces/x/pods/y/log?...`. */
  call: string;
  text: string;
}

/** Where the live gatherer puts what it reads: a ViewBuilder, a snapshot, or both. */
export interface LiveSink {
  object(object: KubeObject, type: ResourceType, call: string): void;
  log(log: GatheredLog): void;
  missing(missing: MissingEvidence): void;
  problem(call: string, message: string): void;
}

/** Fills a ViewBuilder, as the offline sources do. */
export function builderSink(builder: ViewBuilder): LiveSink {
  return {
    object(object, _type, call) {
      const origin = { file: `api:${call}` };
      builder.addObject(object, origin);
      if (object.kind === "ConfigMap") addMeshConfigFromObjects([object], origin.file, builder);
    },
    log(log) {
      builder.addLog(
        summariseProxyLog({
          namespace: log.namespace,
          pod: log.pod,
          container: log.container,
          previous: log.previous,
          origin: { file: `api:${log.call}`, line: 1 },
          firstLine: 1,
          lines: splitLines(log.text),
        }, builder.trafficTimelines),
      );
    },
    missing(missing) {
      builder.addMissing(missing);
    },
    problem(call, message) {
      builder.addProblem({ file: `api:${call}` }, message);
    },
  };
}

/** Sends everything to each sink in turn. */
export function teeSink(...sinks: LiveSink[]): LiveSink {
  return {
    object: (object, type, call) => sinks.forEach((sink) => sink.object(object, type, call)),
    log: (log) => sinks.forEach((sink) => sink.log(log)),
    missing: (missing) => sinks.forEach((sink) => sink.missing(missing)),
    problem: (call, message) => sinks.forEach((sink) => sink.problem(call, message)),
  };
}
