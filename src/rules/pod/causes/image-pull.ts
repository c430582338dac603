import type { Evidence } from "../../../model/finding.js";
import { eventEvidence, waitingEvidence } from "./evidence.js";
import type { ContainerContext } from "./context.js";
import { type Cause, displayContainer, events } from "./cause.js";

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

