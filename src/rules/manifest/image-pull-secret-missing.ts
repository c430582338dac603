import { defineRule } from "../../contract/rule.js";
import { absenceConfidence, closest, findNamed, namesIn } from "../../k8s/lookup.js";
import { reportObject, podChangeFix, type RuleMeta } from "./report.js";
import { objects, str, workloadsOf } from "../../k8s/pod-templates.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

const meta: RuleMeta = {
  id: "manifest/image-pull-secret-missing",
  category: "image-pull-failure",
  severity: "error",
  equivalents: ["popeye:POP-305"],
  docs: { verify: ["kubectl get secret <name> -n <namespace> -o jsonpath='{.type}'", "kubectl get pods -n <namespace> -w"] },
};

export const imagePullSecretMissingRule = defineRule({
  ...meta,
  title: "imagePullSecrets names a Secret that does not exist",
  docs: {
    cause:
      "The pod asks for registry credentials from a Secret that is not there. The kubelet pulls without them: a private image fails with ErrImagePull (`pull access denied ... may require authorization`) and then ImagePullBackOff.",
    fix: "Create the docker-registry Secret in the workload's namespace, or correct the name in imagePullSecrets.",
    verify: meta.docs.verify,
    references: ["https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/"],
  },
  inputs: ["workloads", "pods", "nodes", "config", "manifests"],
  reads: ["*"],
  scopes: ["lint", "diagnose"],
  messages: {
    "secret-missing": "imagePullSecrets of {kind} {name} names Secret \"{secret}\", which does not exist{hint}",
  },
  analyze(ctx) {
    const { view } = ctx;
    const confidence = absenceConfidence(view, "Secret");
    if (confidence === "skip") return;
    const certain = confidence === "certain";
    for (const workload of workloadsOf(view)) {
      objects(workload.spec.imagePullSecrets).forEach((entry, index) => {
        const name = str(entry.name);
        if (!name || findNamed(view, "Secret", workload.namespace, name)) return;
        const suggestion = closest(name, namesIn(view, "Secret", workload.namespace));
        const ns = namespaceFlag(workload.namespace);
        const list = objects(workload.spec.imagePullSecrets);
        const fixed = list.map((e, i) => (i === index && suggestion ? { name: suggestion } : e));
        reportObject(ctx, meta, workload.object, {
          field: [...workload.specPath, "imagePullSecrets", index, "name"],
          message: "secret-missing",
          data: { kind: workload.kind, name: workload.name, secret: name, hint: suggestion ? `; did you mean "${suggestion}"?` : "" },
          cause: `Without the Secret "${name}" the kubelet pulls anonymously; a private registry answers \`pull access denied, repository does not exist or may require authorization\` and the pod goes ErrImagePull -> ImagePullBackOff.`,
          severity: certain ? "error" : "warning",
          confidence: certain ? 0.9 : 0.6,
          fix: suggestion
            ? podChangeFix(view, workload, { imagePullSecrets: list }, { imagePullSecrets: fixed }, `Use the existing Secret "${suggestion}".`)
            : { description: `Create the registry Secret "${name}".`, commands: [`kubectl create secret docker-registry ${name}${ns} --docker-server=<registry> --docker-username=<user> --docker-password=<token>`] },
          verify: [`kubectl get secret ${name}${ns} -o jsonpath='{.type}'   # kubernetes.io/dockerconfigjson`, `kubectl get pods${ns} -w`],
        });
      });
    }
  },
});
