import { apiPermissionDenied } from "../../../src/rules/pod/api-permission-denied.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const crashing = (name: string, namespace = "kube-system") => list(pod({ name, namespace, containers: [{ name: "controller", status: crashLoop({ exitCode: 1 }, 5, "2m40s", "controller", name) }] }));

testRule(apiPermissionDenied, {
  valid: [
    { name: "healthy controller", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    { name: "forbidden warning in a running controller", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: 'W0602 10:00:00.000000 1 reflector.go:539] failed to list *v1.Secret: secrets is forbidden: User "system:serviceaccount:default:api" cannot list resource "secrets" in API group "" in the namespace "default"\n' }], now: NOW },
  ],
  invalid: [
    {
      name: "local-path-provisioner cannot get its ConfigMap (k8e#196)",
      files: { "pod.json": crashing("local-path-provisioner-6c79684f77-x8k2m") },
      logs: [{ namespace: "kube-system", pod: "local-path-provisioner-6c79684f77-x8k2m", container: "controller", previous: true, text: 'time="2022-01-06T07:43:18Z" level=fatal msg="Error starting daemon: invalid empty flag helper-pod-file and it also does not exist at ConfigMap kube-system/local-path-config with err: configmaps \\"local-path-config\\" is forbidden: User \\"system:serviceaccount:kube-system:local-path-provisioner-service-account\\" cannot get resource \\"configmaps\\" in API group \\"\\" in the namespace \\"kube-system\\""\n' }],
      now: NOW,
      expect: { category: "api-permission-denied", fixIncludes: [/--serviceaccount=kube-system:local-path-provisioner-service-account/, /--resource=configmaps/] },
    },
    {
      name: "operator cannot watch its CRD at cluster scope",
      files: { "pod.json": crashing("demo-operator-5d8c7b6f9-q2w3e", "operators") },
      logs: [{ namespace: "operators", pod: "demo-operator-5d8c7b6f9-q2w3e", container: "controller", previous: true, text: 'E0602 10:12:08.101 1 reflector.go:147] failed to list *v1alpha1.Widget: widgets.demo.example.com is forbidden: User "system:serviceaccount:operators:demo-operator" cannot list resource "widgets" in API group "demo.example.com" at the cluster scope\nF0602 10:12:08.102 1 main.go:88] timed out waiting for caches to sync\n' }],
      now: NOW,
      expect: { category: "api-permission-denied", fixIncludes: [/--resource=widgets.demo.example.com/] },
    },
    {
      name: "log alone, no pod object",
      files: {},
      logs: [{ pod: "reloader-7f9d8c6b5-abcde", container: "reloader", previous: true, text: 'time="2025-06-02T10:12:08Z" level=fatal msg="deployments.apps is forbidden: User \\"system:serviceaccount:tools:reloader\\" cannot list resource \\"deployments\\" in API group \\"apps\\" in the namespace \\"tools\\""\n' }],
      expect: { category: "api-permission-denied", resource: { kind: "Pod", name: "reloader-7f9d8c6b5-abcde" } },
    },
  ],
});
