/**
 * The ktriage snapshot format: a folder that `ktriage snapshot` writes and
 * `--snapshot DIR` reads. Every file is optional; unknown files are read as
 * ordinary inputs (objects or logs by their content).
 *
 *   ktriage-snapshot.json                    manifest: format version, capturedAt, context, namespaces
 *   cluster/<resource>.json                  cluster-scoped Lists: nodes, namespaces, storageclasses,
 *                                            mutatingwebhookconfigurations, clusterroles ...
 *   namespaces/<ns>/<resource>.json          namespaced Lists: pods, events, deployments, replicasets,
 *                                            services, secrets (keys only), configmaps, networkpolicies,
 *                                            virtualservices, destinationrules ...
 *   logs/<ns>/<pod>/<container>.log          current log of a container
 *   logs/<ns>/<pod>/<container>.previous.log log of the previous instance (kubectl logs --previous)
 *   envoy/<ns>/<pod>/config_dump.json        Envoy /config_dump of that pod's proxy
 *   envoy/<ns>/<pod>/access.log              that proxy's access log (when kept apart from its container log)
 *   envoy/proxy-status.txt|.json             istioctl proxy-status output, or istiod /debug/syncz
 *   mesh/meshconfig.yaml, mesh/meshnetworks.yaml   MeshConfig and MeshNetworks when not in the istio ConfigMap
 *
 * Paths listed in the manifest's `ignore` (relative to the folder, e.g. `expected.tsv`) are not read.
 */
import type { MissingEvidence } from "../model/inputs.js";

export const SNAPSHOT_MANIFEST = "ktriage-snapshot.json";
export const SNAPSHOT_FORMAT_VERSION = 1;

export interface SnapshotManifest {
  format: "ktriage-snapshot";
  version: number;
  capturedAt: string;
  context?: string;
  namespaces?: string[] | "all";
  tool?: string;
  /** Files at the snapshot's root that are not evidence (notes, expected results) and are not loaded. */
  ignore?: string[];
  /** Evidence `ktriage snapshot` could not read (forbidden calls), with the permission that gives it. */
  missing?: MissingEvidence[];
}

const LOG_PATH = /(?:^|\/)logs\/([^/]+)\/([^/]+)\/([^/]+?)(\.previous)?\.log$/;
const DUMP_LOG_PATH = /(?:^|\/)([^/]+)\/([^/]+)\/(?:([^/]+)\/)?logs\.txt$/;
const ENVOY_PATH = /(?:^|\/)envoy\/([^/]+)\/([^/]+)\/([^/]+)$/;

export interface LogPathInfo {
  namespace: string;
  pod: string;
  container?: string;
  previous: boolean;
}

/** Where a log file belongs, from its path in a snapshot or a `kubectl cluster-info dump` folder. */
export function logPathInfo(relative: string): LogPathInfo | undefined {
  const snapshot = LOG_PATH.exec(relative);
  if (snapshot) return { namespace: snapshot[1]!, pod: snapshot[2]!, container: snapshot[3]!, previous: snapshot[4] !== undefined };
  const dump = DUMP_LOG_PATH.exec(relative);
  if (dump) return { namespace: dump[1]!, pod: dump[2]!, container: dump[3], previous: false };
  return undefined;
}

/** `envoy/<ns>/<pod>/<file>` -> the proxy it belongs to. */
export function envoyPathInfo(relative: string): { namespace: string; pod: string; file: string } | undefined {
  const match = ENVOY_PATH.exec(relative);
  return match ? { namespace: match[1]!, pod: match[2]!, file: match[3]! } : undefined;
}
