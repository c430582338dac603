import { readFileSync } from "node:fs";
import type { Finding } from "../model/finding.js";
import type { FieldLocator, KubeObject, LoadedObject } from "../model/kube.js";
import { objectKey } from "../model/kube.js";
import { loadPaths } from "./files.js";
import { meshTextLocator, parseMeshConfigText, setMeshConfig } from "./mesh-config.js";
import { ViewBuilder } from "../view/builder.js";
import type { ClusterView, ViewMode } from "../view/cluster-view.js";
import { CLUSTER_SCOPED_KINDS } from "../k8s/objects.js";

/** Where the assumed ingress gateway comes from, as shown in evidence. */
export const DEFAULT_GATEWAY_ORIGIN = "(assumed istio-ingressgateway)";

/**
 * The ingress gateway every Istio install has, which `istioctl analyze` also
 * assumes when it reads files: a Pod labelled `istio: ingressgateway` and the
 * `istio-ingressgateway` Service with ports 80, 443, 31400 and 15443.
 */
export function defaultIngressGateway(): KubeObject[] {
  return [
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "istio-ingressgateway", namespace: "istio-system", labels: { app: "istio-ingressgateway", istio: "ingressgateway" } },
      spec: { containers: [{ name: "istio-proxy", image: "docker.io/istio/proxyv2" }] },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "istio-ingressgateway", namespace: "istio-system", labels: { app: "istio-ingressgateway", istio: "ingressgateway" } },
      spec: {
        // As istioctl analyze assumes it: it fronts every pod labelled istio=ingressgateway, so a
        // gateway pod the manifests bring without its own Service is not judged against ports
        // that nothing says it lacks.
        selector: { istio: "ingressgateway" },
        ports: [
          { name: "http2", port: 80, protocol: "TCP", targetPort: 8080 },
          { name: "https", port: 443, protocol: "TCP", targetPort: 8443 },
          { name: "tcp", port: 31400, protocol: "TCP", targetPort: 31400 },
          { name: "tls", port: 15443, protocol: "TCP", targetPort: 15443 },
        ],
      },
    },
  ];
}

export interface LintInputOptions {
  paths: readonly string[];
  meshConfigFile?: string;
  meshNetworksFile?: string;
  /** Add the assumed ingress gateway unless the inputs define one (default true). */
  defaultGateway?: boolean;
  /** Namespace for namespaced objects that name none; undefined keeps them without one. */
  defaultNamespace?: string;
  /** What the cluster already has (a snapshot folder or a live gather), used to resolve references only. */
  context?: ViewBuilder;
  readStdin?: () => string;
  mode?: ViewMode;
  /**
   * Manifests of each cluster of a multi-cluster mesh (`--cluster NAME=PATH`). They are linted with
   * `paths`, and each cluster also gets a view of its own so rules can compare clusters.
   */
  clusters?: ReadonlyArray<{ name: string; paths: readonly string[] }>;
  /** Told the size of the manifests before they are read (see LoadOptions.onListed). */
  onListed?: (bytes: number) => void;
}

export interface LintInput {
  view: ClusterView;
  /** Keys (`Kind/ns/name`) of the objects given as PATHs: only findings about these are reported. */
  reportable: Set<string>;
  /** The assumed ingress gateway objects (never reportable), counted by kind: see RunOptions.assumed. */
  assumed: Map<string, number>;
}

/** Loads manifests for `ktriage lint` and builds the view the rules read. */
export function buildLintInput(options: LintInputOptions): LintInput {
  const listed = options.onListed ? { onListed: options.onListed } : {};
  const manifests = new ViewBuilder();
  loadPaths(options.paths, manifests, { ...(options.readStdin ? { readStdin: options.readStdin } : {}), ...listed });
  // Each cluster is read once into a view of its own; the combined view takes their objects too.
  const clusters = (options.clusters ?? []).map((cluster) => {
    const builder = new ViewBuilder();
    loadPaths(cluster.paths, builder, listed);
    return { name: cluster.name, view: builder.build({ mode: "lint" }) };
  });
  const given = [manifests.build({ mode: "lint" }), ...clusters.map((cluster) => cluster.view)];

  const contextView = options.context?.build({ mode: "lint" });
  const builder = new ViewBuilder();
  for (const source of [...(contextView?.inputs.sources ?? []), ...given.flatMap((view) => view.inputs.sources)]) builder.addSource(source);
  for (const item of contextView?.objects ?? []) builder.addObject(item.object, item.origin, item.locate);
  for (const event of contextView?.events ?? []) builder.addEvent(event);
  for (const problem of [...(contextView?.inputs.problems ?? []), ...given.flatMap((view) => view.inputs.problems)]) builder.addProblem(problem.origin, problem.message);

  const reportable = new Set<string>();
  for (const item of given.flatMap((view) => view.objects)) {
    const object = withNamespace(item, options.defaultNamespace);
    reportable.add(objectKey(object.kind, object.metadata.namespace, object.metadata.name));
    builder.addObject(object, item.origin, item.locate);
  }
  for (const event of given.flatMap((view) => view.events)) builder.addEvent(event);

  const meshSource = [...given, ...(contextView ? [contextView] : [])];
  const meshConfig = meshSource.find((view) => view.meshConfig)?.meshConfig;
  const networks = meshSource.find((view) => view.meshNetworks);
  if (meshConfig) builder.setMeshConfig(meshConfig);
  if (networks?.meshNetworks) builder.setMeshNetworks(networks.meshNetworks, networks.meshNetworksSource);
  if (options.meshConfigFile) {
    const parsed = readMeshFile(options.meshConfigFile, builder);
    if (parsed) setMeshConfig(parsed.value, builder, options.meshConfigFile, { ...(parsed.locate ? { locate: parsed.locate } : {}), line: parsed.line });
  }
  if (options.meshNetworksFile) {
    const parsed = readMeshFile(options.meshNetworksFile, builder);
    if (parsed) builder.setMeshNetworks(parsed.value, { file: options.meshNetworksFile, ...(parsed.locate ? { locate: parsed.locate } : {}) });
  }

  const assumed = new Map<string, number>();
  if (options.defaultGateway !== false) {
    const [pod, service] = defaultIngressGateway() as [KubeObject, KubeObject];
    const all = [...(contextView?.objects ?? []), ...given.flatMap((view) => view.objects)].map((item) => item.object);
    const hasPod = all.some((object) => object.kind === "Pod" && object.metadata.namespace === "istio-system" && object.metadata.labels?.istio === "ingressgateway");
    const hasService = all.some((object) => object.kind === "Service" && object.metadata.namespace === "istio-system" && object.metadata.name === "istio-ingressgateway");
    for (const object of [...(hasPod ? [] : [pod]), ...(hasService ? [] : [service])]) {
      builder.addObject(object, { file: DEFAULT_GATEWAY_ORIGIN });
      if (!reportable.has(objectKey(object.kind, object.metadata.namespace, object.metadata.name))) assumed.set(object.kind, (assumed.get(object.kind) ?? 0) + 1);
    }
  }
  return { view: builder.build({ mode: options.mode ?? "lint", ...(clusters.length > 0 ? { clusters } : {}) }), reportable, assumed };
}

/** Kinds of findings that are about the mesh configuration given with --mesh-config/--mesh-networks. */
const MESH_KINDS = new Set(["MeshConfig", "MeshNetworks"]);

/**
 * Lint reports only findings about the objects given as PATHs (what the context supplies is there
 * to resolve references), and findings on MeshConfig/MeshNetworks when those files were given.
 */
export function isReportable(finding: Finding, reportable: ReadonlySet<string>, meshFiles: boolean): boolean {
  const r = finding.resource;
  if (MESH_KINDS.has(r.kind)) return meshFiles || reportable.size > 0;
  const namespace = CLUSTER_SCOPED_KINDS.has(r.kind) ? undefined : r.namespace;
  return reportable.has(objectKey(r.kind, namespace, r.name)) || reportable.has(objectKey(r.kind, r.namespace, r.name));
}

function withNamespace(item: LoadedObject, namespace: string | undefined): KubeObject {
  const object = item.object;
  if (namespace === undefined || object.metadata.namespace || CLUSTER_SCOPED_KINDS.has(object.kind)) return object;
  return { ...object, metadata: { ...object.metadata, namespace } };
}

function readMeshFile(file: string, builder: ViewBuilder): { value: Record<string, unknown>; locate?: FieldLocator; line?: number } | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    builder.addProblem({ file }, `cannot read: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : String(error)}`);
    return undefined;
  }
  const parsed = parseMeshConfigText(text, file, builder);
  // The istio ConfigMap form keeps MeshConfig under data.mesh.
  if (parsed?.data && typeof (parsed.data as Record<string, unknown>).mesh === "string") {
    const mesh = parseMeshConfigText(String((parsed.data as Record<string, unknown>).mesh), file, builder);
    return mesh ? { value: mesh, line: meshTextLocator(text)(["data", "mesh"]) } : undefined;
  }
  return parsed ? { value: parsed, locate: meshTextLocator(text), line: 1 } : undefined;
}
