import { defineRule } from "../../contract/rule.js";
import { credentialProblem, credentialSource, gatewayCredentials } from "../../istio/credentials.js";
import { analyzeCommand, fieldEvidence, reportIstio } from "./finding.js";
import { nameOf, namespaceOf, refOf } from "../../k8s/objects.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const gatewayCredentialInvalid = defineRule({
  id: "istio/gateway-credential-invalid",
  category: "tls-or-clock-error",
  severity: "error",
  title: "Gateway TLS credential is malformed or expired",
  docs: {
    cause: "The Secret a Gateway's credentialName points at lacks tls.crt/tls.key (or cert/key), does not hold a PEM certificate, or holds an expired certificate. The gateway cannot serve that host over TLS, or serves an expired certificate that clients reject.",
    fix: "Recreate the Secret with `kubectl create secret tls NAME --cert=... --key=...` from a valid, current certificate (cert-manager renews it for you).",
    verify: ["istioctl analyze -n <namespace>", "kubectl -n istio-system get secret <name> -o jsonpath='{.data.tls\\.crt}' | base64 -d | openssl x509 -noout -dates", "istioctl proxy-config secret deploy/istio-ingressgateway -n istio-system"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0161/"],
  },
  equivalents: ["IST0161"],
  inputs: ["istio", "pods", "workloads", "config", "manifests"],
  reads: ["Certificate", "CronJob", "DaemonSet", "Deployment", "Gateway", "Job", "Pod", "ReplicaSet", "ReplicationController", "Secret", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "credential-unusable": "{gateway} credential {credential} is unusable: {problem}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const gateway of view.kind("Gateway")) {
      if (!(gateway.apiVersion ?? "").includes("istio.io")) continue;
      for (const credential of gatewayCredentials(view, gateway)) {
        const secret = credentialSource(view, credential);
        if (!secret) continue;
        const problem = credentialProblem(secret, view.now);
        if (!problem) continue;
        reportIstio(this, ctx, {
          object: gateway,
          code: "IST0161",
          args: [nameOf(gateway), namespaceOf(gateway)],
          path: ["spec", "servers", credential.serverIndex, "tls", "credentialName"],
          message: "credential-unusable",
          data: { gateway: refOf(gateway), credential: `${credential.namespace}/${credential.name}`, problem },
          cause: `The gateway loads the certificate from ${refOf(secret)}; ${problem}, so TLS for this server fails or presents a certificate clients reject.`,
          fix: { description: "Recreate the Secret from a valid, current certificate and key.", commands: [`kubectl create${namespaceFlag(credential.namespace || "istio-system")} secret tls ${credential.name} --cert=<cert.pem> --key=<key.pem> --dry-run=client -o yaml | kubectl apply -f -`] },
          evidence: [fieldEvidence(view, secret, ["data"], `${refOf(secret)} keys: ${Object.keys(secret.data ?? {}).join(", ") || "(none)"}`)],
          verify: [analyzeCommand(gateway), `kubectl${namespaceFlag(credential.namespace || "istio-system")} get secret ${credential.name} -o jsonpath='{.data.tls\\.crt}' | base64 -d | openssl x509 -noout -dates`],
        });
      }
    }
  },
});
