import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl, yamlOf } from "./finding.js";
import { arrayOf, nameOf, namespaceOf, recordOf, refOf } from "../../k8s/objects.js";

export const destinationRuleTlsNoCaCertificate = defineRule({
  id: "istio/destinationrule-tls-no-ca-certificate",
  category: "tls-or-clock-error",
  severity: "warning",
  title: "DestinationRule originates TLS without verifying the server certificate",
  docs: {
    cause: "A DestinationRule sets tls.mode SIMPLE or MUTUAL without `caCertificates` (or a credentialName used by a selected workload), so the sidecar accepts any certificate the server presents: the connection is encrypted but the server is not authenticated.",
    fix: "Set `caCertificates` to the CA bundle that signed the server's certificate (and `sni`/`subjectAltNames`), or use credentialName with a workloadSelector.",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config cluster deploy/<client> --fqdn <host> -o json | grep -A3 validation_context"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0128/", "https://istio.io/latest/docs/reference/config/analysis/ist0129/"],
  },
  equivalents: ["IST0128", "IST0129"],
  inputs: ["istio"],
  reads: ["DestinationRule"],
  scopes: ["lint", "diagnose"],
  messages: {
    "tls-without-ca": "{rule} uses TLS mode {mode} to {host} without caCertificates: the server certificate is not verified",
    "tls-port-without-ca": "{rule} uses TLS mode {mode} to {host} port {port} without caCertificates: the server certificate is not verified",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const dr of view.kind("DestinationRule")) {
      const spec = recordOf(dr.spec) ?? {};
      const host = String(spec.host ?? "");
      const selected = recordOf(spec.workloadSelector) !== undefined;
      const policy = recordOf(spec.trafficPolicy);
      const check = (tls: Record<string, unknown> | undefined, path: (string | number)[], port?: number) => {
        const mode = typeof tls?.mode === "string" ? tls.mode : undefined;
        if (!tls || (mode !== "SIMPLE" && mode !== "MUTUAL")) return;
        if (typeof tls.caCertificates === "string" && tls.caCertificates !== "") return;
        if (tls.insecureSkipVerify === true) return;
        if (typeof tls.credentialName === "string" && tls.credentialName !== "" && selected) return;
        const after = { ...tls, caCertificates: "/etc/certs/ca.pem" };
        reportIstio(this, ctx, {
          object: dr,
          code: port === undefined ? "IST0128" : "IST0129",
          args: port === undefined ? [nameOf(dr), namespaceOf(dr), mode, host] : [nameOf(dr), namespaceOf(dr), mode, host, String(port)],
          path: [...path, "mode"],
          ...(port !== undefined
            ? { message: "tls-port-without-ca", data: { rule: refOf(dr), mode, host, port } }
            : { message: "tls-without-ca", data: { rule: refOf(dr), mode, host } }),
          cause: "Without a CA bundle the sidecar accepts any certificate, so a man in the middle can impersonate the server.",
          fix: {
            description: "Add caCertificates (the CA that signed the server certificate).",
            yaml: { before: yamlOf({ tls }), after: yamlOf({ tls: after }), target: refOf(dr) },
            commands: [kubectl("edit", dr)],
          },
          verify: [analyzeCommand(dr)],
        });
      };
      check(recordOf(policy?.tls), ["spec", "trafficPolicy", "tls"]);
      arrayOf<Record<string, unknown>>(policy?.portLevelSettings).forEach((setting, index) => {
        const number = recordOf(setting?.port)?.number;
        check(recordOf(setting?.tls), ["spec", "trafficPolicy", "portLevelSettings", index, "tls"], typeof number === "number" ? number : 0);
      });
    }
  },
});
