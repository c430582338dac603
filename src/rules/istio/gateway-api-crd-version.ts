import { defineRule } from "../../contract/rule.js";
import { reportIstio } from "./finding.js";
import { nameOf, refOf, stringMapOf } from "../../k8s/objects.js";

/** Gateway API CRDs older than these bundle versions are ignored by current Istio releases. */
const MINIMUM_BUNDLE_VERSIONS: Record<string, string> = {
  "tlsroutes.gateway.networking.k8s.io": "1.5.0",
};

function parseVersion(value: string): number[] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(value.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

function lessThan(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

export const gatewayApiCrdVersion = defineRule({
  id: "istio/gateway-api-crd-version",
  category: "config-schema-error",
  severity: "warning",
  title: "Gateway API CRD is older than Istio requires",
  docs: {
    cause: "The installed Gateway API CRD bundle is below the version Istio needs for that kind; Istio ignores the CRD, so its routes (TLSRoute ...) are never programmed and Gateways report attachedRoutes: 0.",
    fix: "Upgrade the Gateway API CRDs to at least the required bundle version.",
    verify: ["kubectl get crd tlsroutes.gateway.networking.k8s.io -o jsonpath='{.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version}'"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0176/", "https://gateway-api.sigs.k8s.io/guides/#installing-gateway-api"],
  },
  equivalents: ["IST0176"],
  inputs: ["manifests"],
  reads: ["CustomResourceDefinition"],
  scopes: ["lint", "diagnose"],
  messages: {
    "crd-too-old": "{crd} is at Gateway API {installed}; Istio needs at least v{minimum}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const crd of view.kind("CustomResourceDefinition")) {
      const minimum = MINIMUM_BUNDLE_VERSIONS[nameOf(crd)];
      if (!minimum) continue;
      const installed = stringMapOf(crd.metadata.annotations)["gateway.networking.k8s.io/bundle-version"];
      const parsed = installed ? parseVersion(installed) : undefined;
      if (!installed || !parsed || !lessThan(parsed, parseVersion(minimum)!)) continue;
      reportIstio(this, ctx, {
        object: crd,
        code: "IST0176",
        args: [nameOf(crd), installed.replace(/^v/, ""), minimum],
        path: ["metadata", "annotations", "gateway.networking.k8s.io/bundle-version"],
        message: "crd-too-old",
        data: { crd: refOf(crd), installed, minimum },
        cause: "Istio filters out CRDs below its minimum version, so resources of this kind are not processed at all.",
        fix: { description: `Install Gateway API v${minimum} or later.`, commands: [`kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v${minimum}/experimental-install.yaml`] },
        verify: [`kubectl get crd ${nameOf(crd)} -o yaml | grep bundle-version`],
      });
    }
  },
});
