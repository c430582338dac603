import { defineRule } from "../../contract/rule.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { containersOf, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/image-reference-invalid",
  category: "image-pull-failure",
  severity: "error",
  equivalents: [],
  docs: { verify: ["kubectl get pod <pod> -n <namespace> -o jsonpath='{.status.containerStatuses[*].state.waiting.reason}{\"\\n\"}'   # no InvalidImageName", "kubectl rollout status deployment/<name> -n <namespace>"] },
};

const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const HOST = "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\\d+)?|\\[[0-9a-fA-F:]+\\](?::\\d+)?)";
const REFERENCE = new RegExp(`^(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

/** Why an image reference cannot be parsed, or undefined when it can. */
export function invalidReason(image: string): string | undefined {
  if (image.trim() === "") return "is empty";
  if (/\s/.test(image)) return "contains whitespace";
  if (/^[a-z]+:\/\//i.test(image)) return "has a URL scheme; image references have none";
  if (REFERENCE.test(image)) return undefined;
  const withoutHost = image.includes("/") && /[.:]|^localhost$/.test(image.split("/")[0]!) ? image.split("/").slice(1).join("/") : image;
  const repository = withoutHost.split("@")[0]!.replace(/:[^/]*$/, "");
  if (repository !== repository.toLowerCase()) return "repository name must be lowercase";
  return "invalid reference format";
}

export const imageReferenceInvalidRule = defineRule({
  ...meta,
  title: "Image reference that cannot be parsed",
  docs: {
    cause:
      "The image field is not a valid reference (upper-case repository, spaces, a URL scheme, a bad tag). The kubelet cannot even try to pull: the container waits in InvalidImageName (`Failed to apply default image tag \"busyBOX\": couldn't parse image reference \"busyBOX\": invalid reference format: repository name must be lowercase`).",
    fix: "Write the reference as [registry/]repository[:tag][@digest] with a lower-case repository.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/containers/images/"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "image-missing": "Container {container} has no image",
    "image-invalid": "Container {container}: image \"{text}\" {reason}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const image = ref.container.image;
        if (image === undefined || image === null) {
          reportObject(ctx, meta, workload.object, {
            field: ref.path,
            container: ref.name,
            message: "image-missing",
            data: { container: ref.name },
            cause: "The API server rejects the object: `spec.containers[0].image: Required value`.",
            category: "config-schema-error",
            confidence: 0.95,
          });
          continue;
        }
        const text = String(image);
        const reason = invalidReason(text);
        if (!reason) continue;
        const repaired = text.trim().replace(/^[a-z]+:\/\//i, "").replace(/\s+/g, "");
        const fixed = repaired.replace(/^([^@]*?)(:[\w][\w.-]*)?(@.*)?$/, (_m, repo: string, tag = "", digest = "") => repo.toLowerCase() + tag + digest);
        reportObject(ctx, meta, workload.object, {
          field: [...ref.path, "image"],
          container: ref.name,
          message: "image-invalid",
          data: { container: ref.name, text, reason },
          cause: `The kubelet cannot parse it: \`couldn't parse image reference "${text}": invalid reference format${reason === "repository name must be lowercase" ? ": repository name must be lowercase" : ""}\`. The pod waits in InvalidImageName and never starts.`,
          confidence: 0.95,
          fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { image: fixed }, init: ref.init }, `Use a valid reference${fixed !== text ? ` (${fixed})` : ""}.`),
        });
      }
    }
  },
});
