import type { Fix } from "../../model/finding.js";
import { changeContainer, commandsOnly } from "./fixes/pod-fixes.js";
import { podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { containerFix } from "../../k8s/workload-changes.js";
import { type JsonObject } from "../../k8s/workloads.js";
import { BEFORE_START } from "./causes/competition.js";
import { detector, worded } from "./causes/detectors.js";
import { imagePullCause } from "./causes/image-pull.js";

function registryOf(image: string): string {
  const first = image.split("/")[0] ?? "";
  return image.includes("/") && /[.:]|^localhost$/.test(first) ? first : "docker.io";
}

function fix(context: FixContext): Fix {
  const { d, names } = context;
  const image = d.cause.detail.image || context.current?.image || "<image>";
  const registry = registryOf(image);
  const repository = image.replace(/[:@][^/]*$/, "");
  switch (d.cause.detail.subcause) {
    case "invalid-name": {
      const fixed = image.trim().toLowerCase().replace(/\s+/g, "");
      return changeContainer(context, { image: fixed }, `Write the image reference in lower case without spaces or stray characters: "${fixed}"`);
    }
    case "tag-not-found":
      return changeContainer(context, { image: `${repository}:<existing-tag>` }, `The tag of ${image} does not exist: list the repository's tags and set one that does`, [
        `crane ls ${repository}   # or: skopeo list-tags docker://${repository}`,
        `docker pull ${image}   # reproduces "manifest unknown" / "not found"`,
      ]);
    case "access-denied": {
      const secret = `${registry.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-pull`;
      const create = `kubectl create secret docker-registry ${secret}${names.ns} --docker-server=${registry} --docker-username=<user> --docker-password=<token>`;
      if (context.owner && context.current) {
        const pullSecrets = [...(context.podSpec?.imagePullSecrets ?? []), { name: secret }];
        return containerFix(context.owner, d.container?.name ?? "app", { current: context.current as JsonObject, set: {}, podSet: { imagePullSecrets: pullSecrets }, podCurrent: context.podSpec as JsonObject }, `Check the repository name (${repository}); if it is private, create a registry credential and reference it in imagePullSecrets`, [create]);
      }
      return commandsOnly(`Check the repository name (${repository}); if it is private, create a registry credential and add it to the pod's imagePullSecrets`, [create]);
    }
    case "rate-limit":
      return commandsOnly("Pull with authenticated credentials (higher limits) or from a mirror/pull-through cache of the registry", [
        `kubectl create secret docker-registry dockerhub-pull${names.ns} --docker-server=docker.io --docker-username=<user> --docker-password=<token>`,
        `kubectl patch serviceaccount default${names.ns} -p '{"imagePullSecrets":[{"name":"dockerhub-pull"}]}'`,
      ]);
    case "registry-dns":
    case "registry-unreachable":
      return commandsOnly(`The node cannot reach ${registry}: check the registry host name, DNS, proxy and firewall from the node`, [
        `kubectl get pod ${names.pod}${names.ns} -o jsonpath='{.spec.nodeName}{"\\n"}'`,
        `kubectl debug node/<NODE> -it --image=busybox:1.36 -- nslookup ${registry}`,
        `kubectl debug node/<NODE> -it --image=curlimages/curl -- curl -sv https://${registry}/v2/`,
      ]);
    case "never-pull":
      return changeContainer(context, { imagePullPolicy: "IfNotPresent" }, "imagePullPolicy is Never and the image is not on the node: load it onto the node (kind load docker-image / minikube image load) or allow pulling", [`kind load docker-image ${image}   # or: minikube image load ${image}`]);
    case "platform":
      return commandsOnly("The image has no variant for the node's architecture: publish a multi-arch image or pin the pod to matching nodes (kubernetes.io/arch)", [`docker manifest inspect ${image}`]);
    default:
      return commandsOnly(`Read the kubelet's pull error and correct the image reference or the registry access`, [`kubectl describe pod ${names.pod}${names.ns} | grep -A10 Events`, `docker pull ${image}`]);
  }
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "image-cannot-be-pulled": "{container} cannot start: image \"{image}\" cannot be pulled ({reason})",
  "unnamed-image-cannot-be-pulled": "{container} cannot start: image cannot be pulled ({reason})",
};

export const imagePullFailure = podCauseRule({
  id: "pod/image-pull-failure",
  messages,
  category: "image-pull-failure",
  detectors: [
    worded(messages, ["image-cannot-be-pulled", "unnamed-image-cannot-be-pulled"], detector(BEFORE_START, "image-pull", ({ container }) => imagePullCause(container))),
  ],
  title: "Image cannot be pulled (ErrImagePull, ImagePullBackOff, InvalidImageName)",
  docs: {
    cause: "The kubelet cannot pull the container's image, so the container never starts: the tag does not exist, the repository does not exist or needs credentials (imagePullSecrets), the registry is unreachable or its name does not resolve, the registry rate-limits pulls, or the reference cannot be parsed (InvalidImageName).",
    fix: "Correct the image reference (tag, repository, lower case), add an imagePullSecret for private registries, or fix the node's access to the registry; then let the pod be recreated.",
    verify: ["docker pull <IMAGE>", "kubectl describe pod <POD>", "kubectl get events --sort-by=.lastTimestamp"],
    references: ["https://kubernetes.io/docs/concepts/containers/images/"],
  },
  equivalents: ["popeye:POP-203", "k8sgpt:Pod"],
  fix,
  verify: (n, context) => [
    `docker pull ${context.d.cause.detail.image || "<IMAGE>"}   # from a machine with the same registry access`,
    `kubectl describe pod ${n.pod}${n.ns} | grep -A10 Events   # Pulled instead of Failed/BackOff`,
    `kubectl get pods${n.ns} -w`,
    ...restartVerify(n).slice(0, 1),
  ],
});
