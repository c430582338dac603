import { imagePullFailure } from "../../../src/rules/pod/image-pull-failure.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment, event, list, NOW, pod, running } from "./fixtures.js";

const POD = "nginx-deployment-5d4b5b4b7f-abcde";

function pulling(reason: string, image: string, message?: string) {
  return pod({ name: POD, owner: "Deployment/nginx-deployment", hash: "5d4b5b4b7f", phase: "Pending", containers: [{ name: "nginx", image, status: { state: { waiting: { reason, ...(message ? { message } : {}) } }, ready: false, restartCount: 0 } }] });
}

testRule(imagePullFailure, {
  valid: [
    { name: "running pod whose image was pulled", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    {
      name: "old pull failure, image pulled since and container running",
      files: { "pod.json": list(pod({ name: POD, containers: [{ name: "nginx", image: "nginx:1.27", status: running() }] }), event("Failed", 'Failed to pull image "nginx:1.27": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nginx:1.27": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:4a1: 429 Too Many Requests', { name: POD })) },
      now: NOW,
    },
  ],
  invalid: [
    {
      name: "tag not found (nginx:invalid-tag)",
      files: {
        "pod.json": list(
          pulling("ImagePullBackOff", "nginx:invalid-tag", 'Back-off pulling image "nginx:invalid-tag"'),
          deployment("nginx-deployment", [{ name: "nginx", image: "nginx:invalid-tag" }]),
          event("Failed", 'Failed to pull image "nginx:invalid-tag": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:invalid-tag": failed to resolve reference "docker.io/library/nginx:invalid-tag": docker.io/library/nginx:invalid-tag: not found', { name: POD, count: 4 }),
          event("Failed", "Error: ErrImagePull", { name: POD, count: 4 }),
          event("BackOff", 'Back-off pulling image "nginx:invalid-tag"', { type: "Normal", name: POD, count: 3 }),
        ),
      },
      now: NOW,
      expect: { category: "image-pull-failure", resource: { container: "nginx" }, summary: /tag not found/, evidence: [/state.waiting: ImagePullBackOff/, /x4/], fixIncludes: [/nginx:<existing-tag>/, /crane ls nginx/] },
    },
    {
      name: "private repository without imagePullSecrets",
      files: {
        "pod.json": list(
          pulling("ErrImagePull", "ghcr.io/acme/billing:2.3.0"),
          event("Failed", 'Failed to pull image "ghcr.io/acme/billing:2.3.0": rpc error: code = Unknown desc = failed to pull and unpack image "ghcr.io/acme/billing:2.3.0": failed to resolve reference "ghcr.io/acme/billing:2.3.0": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token?scope=repository%3Aacme%2Fbilling%3Apull&service=ghcr.io: 401 Unauthorized', { name: POD }),
        ),
      },
      now: NOW,
      expect: { category: "image-pull-failure", summary: /access denied/, fixIncludes: [/imagePullSecrets/, /kubectl create secret docker-registry ghcr-io-pull/] },
    },
    {
      name: "Docker Hub pull access denied (repository does not exist)",
      files: { "events.txt": "LAST SEEN   TYPE      REASON    OBJECT                                  MESSAGE\n12s         Warning   Failed    pod/nginx-deployment-5d4b5b4b7f-abcde   Failed to pull image \"acme/nonexistent:1.0\": failed to pull and unpack image \"docker.io/acme/nonexistent:1.0\": failed to resolve reference \"docker.io/acme/nonexistent:1.0\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed\n12s         Warning   Failed    pod/nginx-deployment-5d4b5b4b7f-abcde   Error: ErrImagePull\n" },
      expect: { category: "image-pull-failure", resource: { kind: "Pod", name: POD }, summary: /access denied/ },
    },
    {
      name: "InvalidImageName from upper-case letters",
      files: {
        "pod.json": list(
          pulling("InvalidImageName", "busyBOX", 'Failed to apply default image tag "busyBOX": couldn\'t parse image reference "busyBOX": invalid reference format: repository name must be lowercase'),
          event("InspectFailed", 'Failed to apply default image tag "busyBOX": couldn\'t parse image reference "busyBOX": invalid reference format: repository name must be lowercase', { name: POD }),
        ),
      },
      now: NOW,
      expect: { category: "image-pull-failure", summary: /invalid name/, fixIncludes: [/image: busybox/] },
    },
    {
      name: "registry host does not resolve",
      files: {
        "pod.json": list(
          pulling("ErrImagePull", "registry.internal.example:5000/team/app:1.0"),
          event("Failed", 'Failed to pull image "registry.internal.example:5000/team/app:1.0": rpc error: code = Unknown desc = failed to pull and unpack image "registry.internal.example:5000/team/app:1.0": failed to resolve reference "registry.internal.example:5000/team/app:1.0": failed to do request: Head "https://registry.internal.example:5000/v2/team/app/manifests/1.0": dial tcp: lookup registry.internal.example on 10.96.0.10:53: no such host', { name: POD }),
        ),
      },
      now: NOW,
      expect: { category: "image-pull-failure", summary: /registry dns/, fixIncludes: [/nslookup registry.internal.example:5000|nslookup registry.internal.example/] },
    },
    {
      name: "Docker Hub rate limit",
      files: {
        "pod.json": list(
          pulling("ErrImagePull", "redis:7.2"),
          event("Failed", 'Failed to pull image "redis:7.2": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/redis:7.2": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:5e1: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit', { name: POD }),
        ),
      },
      now: NOW,
      expect: { category: "image-pull-failure", summary: /rate limit/ },
    },
  ],
});
