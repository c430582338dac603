import { defineRule } from "../../contract/rule.js";
import { invalidReason } from "./image-reference-invalid.js";
import { containerChangeFix, reportObject, type RuleMeta } from "./report.js";
import { containersOf, str, workloadsOf } from "../../k8s/pod-templates.js";

const meta: RuleMeta = {
  id: "manifest/image-tag-unpinned",
  category: "image-pull-failure",
  severity: "info",
  equivalents: ["kube-linter:latest-tag", "kube-score:container-image-tag", "polaris:tagNotSpecified", "popeye:POP-100", "popeye:POP-101"],
  docs: { verify: ["kubectl get pods -n <namespace> -o jsonpath='{range .items[*]}{.status.containerStatuses[*].imageID}{\"\\n\"}{end}'", "kubectl rollout status deployment/<name> -n <namespace>"] },
};

/** The tag of an image reference, `""` when there is none; undefined for digests. */
export function tagOf(image: string): string | undefined {
  if (image.includes("@")) return undefined;
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > lastSlash ? image.slice(colon + 1) : "";
}

export const imageTagUnpinnedRule = defineRule({
  ...meta,
  title: "Image with no tag or the latest tag",
  docs: {
    cause:
      "An image without a tag means `:latest`, and `:latest` moves. Nodes pull different builds, a restart or reschedule silently runs new code (or an image for another architecture), a rollback goes nowhere, and imagePullPolicy defaults to Always, so every start depends on the registry.",
    fix: "Pin a version tag (or a digest) and change it to deploy.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
  },
  inputs: ["workloads", "pods", "manifests"],
  reads: ["CronJob", "DaemonSet", "Deployment", "DeploymentConfig", "Job", "Pod", "ReplicaSet", "ReplicationController", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "tag-unpinned": "Container {container} uses {tag}: {image}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const workload of workloadsOf(view)) {
      for (const ref of containersOf(workload)) {
        const image = str(ref.container.image);
        if (!image || invalidReason(image)) continue;
        const tag = tagOf(image);
        if (tag === undefined || (tag !== "" && tag !== "latest")) continue;
        const base = tag === "" ? image : image.slice(0, -":latest".length);
        reportObject(ctx, meta, workload.object, {
          field: [...ref.path, "image"],
          container: ref.name,
          message: "tag-unpinned",
          data: { container: ref.name, tag: tag === "" ? "an untagged image" : "the latest tag", image },
          cause: "What runs depends on when and where the image is pulled: pods of one workload can run different builds, a reschedule picks up untested code, and rolling back does not restore the old image.",
          confidence: 0.6,
          fix: () => containerChangeFix(view, workload, ref.name, { current: ref.container, set: { image: `${base}:<version>` }, init: ref.init }, "Pin the version you tested (a tag such as 1.4.2, or @sha256:<digest>)."),
        });
      }
    }
  },
});
