// Objects and merge patches whose outcome on a real API server is known: `refused` lists the fields ktriage
// says the update validation forbids (empty: the API server accepts the patch). The unit test checks
// immutableChanges against these; test/cluster/immutable-fields.test.ts sends them to a real kube-apiserver.
const labels = { app: "web" };
const template = { metadata: { labels }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } };

export interface ImmutableCase {
  name: string;
  path: string;
  object: Record<string, any>;
  patch: Record<string, any>;
  refused: string[];
}

const claim = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name },
  spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "1Gi" } }, ...spec },
});

export const IMMUTABLE_CASES: ImmutableCase[] = [
  {
    name: "a Deployment's selector",
    path: "/apis/apps/v1/namespaces/default/deployments",
    object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web-selector" }, spec: { selector: { matchLabels: labels }, template } },
    patch: { spec: { selector: { matchLabels: { app: "web", tier: "front" } }, template: { metadata: { labels: { app: "web", tier: "front" } } } } },
    refused: ["spec.selector"],
  },
  {
    name: "a Deployment's template and replicas",
    path: "/apis/apps/v1/namespaces/default/deployments",
    object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web-template" }, spec: { selector: { matchLabels: labels }, template } },
    patch: { spec: { replicas: 3, template: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } } } },
    refused: [],
  },
  {
    name: "a StatefulSet's serviceName",
    path: "/apis/apps/v1/namespaces/default/statefulsets",
    object: { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db-service" }, spec: { serviceName: "db", selector: { matchLabels: labels }, template } },
    patch: { spec: { serviceName: "db-headless" } },
    refused: ["spec.serviceName"],
  },
  {
    name: "a StatefulSet's volumeClaimTemplates",
    path: "/apis/apps/v1/namespaces/default/statefulsets",
    object: {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db-claims" },
      spec: { serviceName: "db", selector: { matchLabels: labels }, template, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "fast", resources: { requests: { storage: "1Gi" } } } }] },
    },
    patch: { spec: { volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "1Gi" } } } }] } },
    refused: ["spec.volumeClaimTemplates"],
  },
  {
    name: "a StatefulSet's replicas, template and update strategy",
    path: "/apis/apps/v1/namespaces/default/statefulsets",
    object: { apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "db-scale" }, spec: { serviceName: "db", selector: { matchLabels: labels }, template } },
    patch: { spec: { replicas: 2, minReadySeconds: 5, updateStrategy: { type: "OnDelete", rollingUpdate: null }, template: { spec: { containers: [{ name: "web", image: "nginx:1.28" }] } } } },
    refused: [],
  },
  {
    name: "a claim's storageClassName",
    path: "/api/v1/namespaces/default/persistentvolumeclaims",
    object: claim("claim-class"),
    patch: { spec: { storageClassName: "fast" } },
    refused: ["spec.storageClassName"],
  },
  {
    name: "a claim's accessModes",
    path: "/api/v1/namespaces/default/persistentvolumeclaims",
    object: claim("claim-modes"),
    patch: { spec: { accessModes: ["ReadWriteMany"] } },
    refused: ["spec.accessModes"],
  },
  {
    name: "an unbound claim's storage request",
    path: "/api/v1/namespaces/default/persistentvolumeclaims",
    object: claim("claim-size"),
    patch: { spec: { resources: { requests: { storage: "2Gi" } } } },
    refused: ["spec.resources"],
  },
  {
    name: "an unbound claim's volumeName, set once",
    path: "/api/v1/namespaces/default/persistentvolumeclaims",
    object: claim("claim-volume"),
    patch: { spec: { volumeName: "pv-data" } },
    refused: [],
  },
  {
    name: "a claim's volumeName, changed",
    path: "/api/v1/namespaces/default/persistentvolumeclaims",
    object: claim("claim-volume-named", { volumeName: "pv-one" }),
    patch: { spec: { volumeName: "pv-two" } },
    refused: ["spec.volumeName"],
  },
  {
    name: "a Job's pod template",
    path: "/apis/batch/v1/namespaces/default/jobs",
    object: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "export" }, spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "export", image: "busybox:1.36" }] } } } },
    patch: { spec: { template: { spec: { containers: [{ name: "export", image: "busybox:1.37" }] } } } },
    refused: ["spec.template"],
  },
  {
    name: "a StorageClass's volumeBindingMode",
    path: "/apis/storage.k8s.io/v1/storageclasses",
    object: { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "local-immediate" }, provisioner: "kubernetes.io/no-provisioner", volumeBindingMode: "Immediate" },
    patch: { volumeBindingMode: "WaitForFirstConsumer" },
    refused: ["volumeBindingMode"],
  },
  {
    name: "a StorageClass's allowVolumeExpansion",
    path: "/apis/storage.k8s.io/v1/storageclasses",
    object: { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "local-expand" }, provisioner: "kubernetes.io/no-provisioner" },
    patch: { allowVolumeExpansion: true },
    refused: [],
  },
  {
    name: "a RoleBinding's roleRef",
    path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
    object: { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "readers" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" }, subjects: [{ kind: "ServiceAccount", name: "default", namespace: "default" }] },
    patch: { roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" } },
    refused: ["roleRef"],
  },
  {
    name: "an immutable ConfigMap's data",
    path: "/api/v1/namespaces/default/configmaps",
    object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "frozen" }, immutable: true, data: { mode: "a" } },
    patch: { data: { mode: "b" } },
    refused: ["data"],
  },
  {
    name: "a ConfigMap's data",
    path: "/api/v1/namespaces/default/configmaps",
    object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { mode: "a" } },
    patch: { data: { mode: "b" } },
    refused: [],
  },
];
