import { describe, expect, it } from "vitest";
import { imagePullCause } from "../../../../src/rules/pod/image-pull-failure.js";
import { event, running } from "../fixtures.js";
import { containerContext } from "./contexts.js";

/** Kubelet `Failed` messages as containerd and the kubelet print them (Kubernetes 1.24-1.33). */
const rows: Array<[string, string, string | undefined]> = [
  ["tag not found", 'Failed to pull image "nginx:1.27-missing": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.27-missing": failed to resolve reference "docker.io/library/nginx:1.27-missing": docker.io/library/nginx:1.27-missing: not found', "tag-not-found"],
  ["private repository", 'Failed to pull image "registry.example.com/team/api:2.1": rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/team/api:2.1": failed to resolve reference "registry.example.com/team/api:2.1": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed', "access-denied"],
  ["rate limit", 'Failed to pull image "redis:7": rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/redis:7": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/redis/manifests/sha256:0a1b: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.', "rate-limit"],
  ["registry name does not resolve", 'Failed to pull image "registy.example.com/api:1": rpc error: code = Unknown desc = failed to pull and unpack image "registy.example.com/api:1": failed to resolve reference "registy.example.com/api:1": failed to do request: Head "https://registy.example.com/v2/api/manifests/1": dial tcp: lookup registy.example.com on 10.96.0.10:53: no such host', "registry-dns"],
  ["invalid reference", 'Failed to apply default image tag "Nginx:latest": couldn\'t parse image reference "Nginx:latest": invalid reference format: repository name must be lowercase', "invalid-name"],
];

describe("image pull: the sub-cause from the kubelet's message", () => {
  it.each(rows)("%s", (_name, message, subcause) => {
    const container = containerContext({ containers: [{ status: { state: { waiting: { reason: "ImagePullBackOff", message: "Back-off pulling image" } } } }] }, [event("Failed", message, { count: 4 })]);
    expect(imagePullCause(container)?.detail.subcause).toBe(subcause);
    expect(imagePullCause(container)?.category).toBe("image-pull-failure");
  });

  it("a running container with an old pull failure is not failing to pull", () => {
    const container = containerContext({ containers: [{ status: running() }] }, [event("Failed", rows[0]![1])]);
    expect(imagePullCause(container)).toBeUndefined();
  });
});
