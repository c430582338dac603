import type { Fix, Evidence } from "../../model/finding.js";
import { changeContainer, commandsOnly } from "./fixes/pod-fixes.js";
import { podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { containerFix } from "../workload-fixes.js";
import type { JsonObject } from "../../k8s/workloads.js";
import { BEFORE_START } from "./causes/competition.js";
import { detector, worded } from "./causes/detectors.js";
import { eventEvidence, waitingEvidence } from "./causes/evidence.js";
import type { ContainerContext } from "./causes/context.js";
import { type Cause, displayContainer, events } from "./causes/cause.js";

/** The kubelet cannot pull the image: the sub-cause (tag, access, rate limit, DNS, network, name) from its message. */

const IMAGE_WAITING = new Set(["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull", "ImageInspectError", "RegistryUnavailable", "SignatureValidationFailed"]);

function imagePullSubcause(text: string): { detail: string; words: string } {
  if (/couldn't parse image reference|invalid reference format|InvalidImageName/i.test(text)) return { detail: "invalid-name", words: "the image reference cannot be parsed (upper-case letters, spaces or a bad character)" };
  if (/not present with pull policy of Never|ErrImageNeverPull/.test(text)) return { detail: "never-pull", words: "imagePullPolicy is Never and the image is not on the node" };
  if (/toomanyrequests|rate limit|429 Too Many Requests/i.test(text)) return { detail: "rate-limit", words: "the registry refuses pulls: rate limit reached (anonymous Docker Hub pulls are limited)" };
  if (/pull access denied|unauthorized|authentication required|401 Unauthorized|403 Forbidden|denied: |insufficient_scope|no basic auth credentials|access to the resource is denied/i.test(text)) {
    return { detail: "access-denied", words: "the repository does not exist or needs credentials the pod does not have (imagePullSecrets)" };
  }
  if (/no such host|server misbehaving|lookup \S+ on /i.test(text)) return { detail: "registry-dns", words: "the registry host name does not resolve from the node" };
  if (/i\/o timeout|dial tcp|connection refused|TLS handshake timeout|context deadline exceeded|net\/http: request canceled|x509:/i.test(text)) return { detail: "registry-unreachable", words: "the node cannot reach the registry (network, proxy, firewall or TLS)" };
  if (/manifest unknown|not found|NotFound|manifest for \S+ not found|failed to resolve reference/i.test(text)) return { detail: "tag-not-found", words: "the tag (or digest) does not exist in the repository" };
  if (/no match for platform in manifest/i.test(text)) return { detail: "platform", words: "the image has no variant for the node's CPU architecture" };
  return { detail: "unknown", words: "the image cannot be pulled" };
}

export function imagePullCause(container: ContainerContext): Cause | undefined {
  const waiting = container.status?.state?.waiting;
  if (container.status?.state?.running) return undefined;
  const failed = events(container, /^(Failed|InspectFailed|ErrImageNeverPull)$/, /Failed to pull image|ErrImagePull|ImagePullBackOff|InvalidImageName|couldn't parse image reference|not present with pull policy of Never|Failed to apply default image tag/i);
  const backoff = events(container, /^BackOff$/, /Back-off pulling image/i);
  if (!(waiting && IMAGE_WAITING.has(waiting.reason ?? "")) && failed.length === 0 && backoff.length === 0) return undefined;
  const detailed = failed.find((e) => /Failed to pull image|couldn't parse|not present with pull policy/i.test(e.message)) ?? failed[0];
  const text = [detailed?.message ?? "", waiting?.message ?? "", waiting?.reason ?? ""].join(" ");
  const sub = imagePullSubcause(text);
  const image = container.spec?.image ?? /image "([^"]+)"/.exec(text)?.[1] ?? container.status?.image ?? "";
  const evidence: Evidence[] = [];
  if (waiting?.reason) evidence.push(waitingEvidence(waiting.reason, waiting.message, `${container.statusPath}.state.waiting`));
  for (const event of [detailed, ...failed.filter((e) => e !== detailed).slice(0, 2), ...backoff.slice(0, 1)]) if (event) evidence.push(eventEvidence(event));
  return {
    category: "image-pull-failure",
    confidence: sub.detail === "unknown" ? 0.9 : 0.95,
    severity: "error",
    summary: "",
    said: { message: image ? "image-cannot-be-pulled" : "unnamed-image-cannot-be-pulled", data: { container: displayContainer(container), image, reason: sub.detail.replace(/-/g, " ") } },
    cause: `The kubelet cannot pull ${image || "the image"}: ${sub.words}. The container never starts; the kubelet retries with a back-off of 10s doubling to 5m (ImagePullBackOff).`,
    evidence,
    detail: { subcause: sub.detail, image },
  };
}

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
