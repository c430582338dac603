/** Typed views of the parts of a Pod that the pod rules read. */

export interface ProbeSpec {
  httpGet?: { path?: string; port?: number | string; scheme?: string; host?: string };
  tcpSocket?: { port?: number | string };
  grpc?: { port?: number; service?: string };
  exec?: { command?: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

export interface EnvVarSpec {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name?: string; key?: string; optional?: boolean };
    configMapKeyRef?: { name?: string; key?: string; optional?: boolean };
    fieldRef?: { fieldPath?: string };
  };
}

export interface EnvFromSpec {
  secretRef?: { name?: string; optional?: boolean };
  configMapRef?: { name?: string; optional?: boolean };
  prefix?: string;
}

export interface VolumeMountSpec {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

export interface ResourceList {
  cpu?: string | number;
  memory?: string | number;
  "ephemeral-storage"?: string | number;
  [name: string]: string | number | undefined;
}

export interface SecurityContextSpec {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  readOnlyRootFilesystem?: boolean;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  fsGroup?: number;
  capabilities?: { add?: string[]; drop?: string[] };
}

export interface ContainerSpec {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  env?: EnvVarSpec[];
  envFrom?: EnvFromSpec[];
  resources?: { limits?: ResourceList; requests?: ResourceList };
  volumeMounts?: VolumeMountSpec[];
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
  startupProbe?: ProbeSpec;
  securityContext?: SecurityContextSpec;
  imagePullPolicy?: string;
  restartPolicy?: string;
  [key: string]: unknown;
}

export interface VolumeSpec {
  name: string;
  configMap?: { name?: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
  secret?: { secretName?: string; items?: Array<{ key: string; path: string }>; optional?: boolean };
  persistentVolumeClaim?: { claimName?: string };
  emptyDir?: { medium?: string; sizeLimit?: string };
  [key: string]: unknown;
}

export interface PodSpec {
  containers?: ContainerSpec[];
  initContainers?: ContainerSpec[];
  volumes?: VolumeSpec[];
  restartPolicy?: string;
  securityContext?: SecurityContextSpec;
  nodeSelector?: Record<string, string>;
  tolerations?: Array<Record<string, unknown>>;
  imagePullSecrets?: Array<{ name: string }>;
  hostNetwork?: boolean;
  nodeName?: string;
  serviceAccountName?: string;
  [key: string]: unknown;
}

export interface TerminatedState {
  exitCode?: number;
  signal?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: TerminatedState;
}

export interface ContainerStatus {
  name: string;
  state?: ContainerState;
  lastState?: ContainerState;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  image?: string;
}

export interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  startTime?: string;
  conditions?: PodCondition[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}
