import { execFormatError } from "../../../src/rules/pod/exec-format-error.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const crashing = (image: string) => list(pod({ name: "web-ctr-7f6d5c4b3-9xk2p", owner: "Deployment/web-ctr", hash: "7f6d5c4b3", containers: [{ name: "web-ctr", image, status: crashLoop({ exitCode: 1 }, 4, "1m20s", "web-ctr", "web-ctr-7f6d5c4b3-9xk2p") }] }));

testRule(execFormatError, {
  valid: [
    { name: "healthy arm64 pod", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    { name: "a log that mentions format errors of its own", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "WARN invalid date format error in request 42\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "kubectl logs: exec /bin/sh: exec format error (TheK8sBook#46)",
      files: { "pod.json": crashing("nigelpoulton/k8sbook:1.0") },
      logs: [{ pod: "web-ctr-7f6d5c4b3-9xk2p", container: "web-ctr", previous: true, text: "exec /bin/sh: exec format error\n" }],
      now: NOW,
      expect: { category: "exec-format-error", evidence: [/exec \/bin\/sh: exec format error/], fixIncludes: [/kubernetes.io\/arch/] },
    },
    {
      name: "older runc wording (microk8s#1942)",
      files: { "pod.json": crashing("jocatalin/kubernetes-bootcamp:v1") },
      logs: [{ pod: "web-ctr-7f6d5c4b3-9xk2p", container: "web-ctr", previous: true, text: "standard_init_linux.go:219: exec user process caused: exec format error\n" }],
      now: NOW,
      expect: { category: "exec-format-error" },
    },
    {
      name: "StartError message from containerd",
      files: {
        "pod.json": list(pod({ containers: [{ image: "registry.k8s.io/node-problem-detector/node-problem-detector:v0.8.14", status: crashLoop({ exitCode: 128, reason: "StartError", message: "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec /node-problem-detector: exec format error: unknown", startedAt: "1970-01-01T00:00:00Z" }) }] })),
      },
      now: NOW,
      expect: { category: "exec-format-error", evidence: [/StartError, exit 128/] },
    },
  ],
});
