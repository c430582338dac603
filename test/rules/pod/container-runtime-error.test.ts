import { containerRuntimeError } from "../../../src/rules/pod/container-runtime-error.js";
import { testRule } from "../../helpers/rule-tester.js";
import { event, list, NOW, pod, running } from "./fixtures.js";

const creating = () => pod({ phase: "Pending", containers: [{ status: { state: { waiting: { reason: "ContainerCreating" } }, ready: false, restartCount: 0 } }] });

testRule(containerRuntimeError, {
  valid: [
    { name: "running pod with an old sandbox event", files: { "pod.json": list(pod({ containers: [{ status: running() }] }), event("FailedCreatePodSandBox", 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "a1b2": plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/')) }, now: NOW },
    { name: "healthy pod", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
  ],
  invalid: [
    { name: "istio-cni ztunnel not connected (istio#53696)", files: { "pod.json": list(creating(), event("FailedCreatePodSandBox", 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4b1f": plugin type="istio-cni" name="istio-cni" failed (add): unable to push CNI event (status code 500): partial add error: no ztunnel connection', { count: 11 })) }, now: NOW, expect: { category: "container-runtime-error", summary: /sandbox/, evidence: [/FailedCreatePodSandBox x11/], fixIncludes: [/CNI/] } },
    { name: "calico node not running", files: { "pod.json": list(creating(), event("FailedCreatePodSandBox", 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "a1b2": plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/', { count: 4 })) }, now: NOW, expect: { category: "container-runtime-error" } },
    { name: "CreateContainerError: name reserved", files: { "pod.json": list(pod({ containers: [{ status: { state: { waiting: { reason: "CreateContainerError", message: 'failed to reserve container name "app_api-7d9f8b6c5d-x2k9p_default_5b0c6f0e_0": name "app_api-7d9f8b6c5d-x2k9p_default_5b0c6f0e_0" is reserved for "8f1e2d"' } }, ready: false, restartCount: 0 } }] })) }, now: NOW, expect: { category: "container-runtime-error", summary: /container runtime/ } },
  ],
});
