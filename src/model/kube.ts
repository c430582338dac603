/** Where a piece of evidence came from: a file and line, or an API call. */
export interface Origin {
  /** File path as given by the user, `-` for stdin, or `api:<verb> <path>` in live mode. */
  file: string;
  /** 1-based line of the start of the object or log line, when known. */
  line?: number;
}

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  deletionTimestamp?: string;
  resourceVersion?: string;
  [key: string]: unknown;
}

/** Any Kubernetes or Istio object, as parsed from JSON or YAML. */
export interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
  [key: string]: any;
}

/** Returns the 1-based line of the field at `path` inside an object, if the source kept positions. */
export type FieldLocator = (path: ReadonlyArray<string | number>) => number | undefined;

/** Where a MeshConfig or MeshNetworks document was read, and the line of its fields when known. */
export interface MeshSource {
  file: string;
  locate?: FieldLocator;
}

/** An object together with where it came from. */
export interface LoadedObject {
  object: KubeObject;
  origin: Origin;
  /** Line of a field inside the object; absent for inputs without positions (large JSON, live API). */
  locate?: FieldLocator;
  /**
   * The object as the inputs showed it, when this is a changed copy (a fix being proven): its status was
   * observed under the observed spec, so a rule can tell what the change would answer.
   */
  observed?: KubeObject;
}

export function objectKey(kind: string, namespace: string | undefined, name: string | undefined): string {
  return `${kind}/${namespace ?? ""}/${name ?? ""}`;
}

export function displayName(kind: string, namespace: string | undefined, name: string | undefined): string {
  return namespace ? `${kind} ${namespace}/${name ?? ""}` : `${kind} ${name ?? ""}`;
}
