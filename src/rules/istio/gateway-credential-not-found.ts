import { defineRule } from "../../contract/rule.js";
import { credentialSource, gatewayCredentials, secretsKnown } from "../../istio/credentials.js";
import { analyzeCommand, reportIstio } from "./finding.js";
import { namespaceOf, refOf } from "../../k8s/objects.js";
import { closest } from "../../istio/suggest.js";
import { namespaceFlag } from "../../k8s/workload-changes.js";

export const gatewayCredentialNotFound = defineRule({
  id: "istio/gateway-credential-not-found",
  category: "routing-reference-not-found",
  severity: "error",
  title: "Gateway TLS credentialName names a Secret the gateway pods cannot find",
  docs: {
    cause: "A Gateway server's `tls.credentialName` must name a Secret in the namespace of the gateway pods (istio-system for the default ingress gateway), not the Gateway's or the application's namespace. When it is missing, the gateway has no certificate for that server and TLS handshakes fail (curl: `SSL_ERROR_SYSCALL`, Envoy: `filter_chain_not_found`).",
    fix: "Create the TLS Secret (tls.crt/tls.key) in the gateway pods' namespace, or correct the name.",
    verify: ["istioctl analyze -n <namespace>", "kubectl -n istio-system get secret <credentialName>", "istioctl proxy-config secret deploy/istio-ingressgateway -n istio-system"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0101/", "https://istio.io/latest/docs/tasks/traffic-management/ingress/secure-ingress/"],
  },
  equivalents: ["IST0101"],
  inputs: ["istio", "pods", "workloads", "config", "manifests"],
  reads: ["Certificate", "CronJob", "DaemonSet", "Deployment", "Gateway", "Job", "Pod", "ReplicaSet", "ReplicationController", "Secret", "StatefulSet"],
  scopes: ["lint", "diagnose"],
  messages: {
    "credential-not-found": "{gateway} uses credential \"{credential}\", which is not a Secret in namespace {namespace} where its gateway pods run",
  },
  analyze(ctx) {
    const { view } = ctx;
    if (!secretsKnown(view)) return;
    for (const gateway of view.kind("Gateway")) {
      if (!(gateway.apiVersion ?? "").includes("istio.io")) continue;
      for (const credential of gatewayCredentials(view, gateway)) {
        if (credentialSource(view, credential)) continue;
        const elsewhere = view.kind("Secret").find((secret) => secret.metadata.name === credential.name);
        const suggestion = closest(credential.name, view.kind("Secret").filter((secret) => namespaceOf(secret) === credential.namespace).map((secret) => secret.metadata.name ?? ""));
        reportIstio(this, ctx, {
          object: gateway,
          code: "IST0101",
          args: ["credentialName", credential.name],
          path: ["spec", "servers", credential.serverIndex, "tls", "credentialName"],
          message: "credential-not-found",
          data: { gateway: refOf(gateway), credential: credential.name, namespace: credential.namespace || "(none)" },
          cause: elsewhere
            ? `The Secret exists in namespace ${namespaceOf(elsewhere)}, but gateway pods only read credentials from their own namespace (${credential.namespace || "(none)"}).`
            : `No Secret "${credential.name}" exists${suggestion ? `; "${suggestion}" is close` : ""}, so the gateway has no certificate for this server and TLS handshakes fail.`,
          fix: {
            description: elsewhere ? `Create the Secret in namespace ${credential.namespace}.` : suggestion ? `Use credentialName "${suggestion}".` : `Create the TLS Secret in namespace ${credential.namespace}.`,
            commands: [`kubectl create${namespaceFlag(credential.namespace || "istio-system")} secret tls ${credential.name} --key=<key.pem> --cert=<cert.pem>`],
          },
          verify: [analyzeCommand(gateway), `kubectl${namespaceFlag(credential.namespace || "istio-system")} get secret ${credential.name}`],
        });
      }
    }
  },
});
