import { missingCluster } from "../../../src/rules/envoy/missing-cluster.js";
import { catalogGatewayDump } from "../../envoy/fixtures/catalog-gateway-dump.js";
import { catalogObjectsYaml } from "../../envoy/fixtures/catalog-objects.js";
import { testRule } from "../../helpers/rule-tester.js";

const broken = JSON.stringify(catalogGatewayDump({ withSubsets: false }), null, 2);
const fixed = JSON.stringify(catalogGatewayDump({ withSubsets: true }), null, 2);
const destinationRuleV1Only = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: catalog
  namespace: istioinaction
spec:
  host: catalog.istioinaction.svc.cluster.local
  subsets:
  - name: version-v1
    labels:
      version: v1
`;

testRule(missingCluster, {
  valid: [
    { name: "gateway dump after the DestinationRule is applied", files: { "config_dump.json": fixed, "catalog.yaml": catalogObjectsYaml } },
    { name: "a real sidecar dump whose routes all have clusters", files: { "config_dump.json": JSON.stringify(catalogGatewayDump({ withSubsets: true })) } },
  ],
  invalid: [
    {
      name: "route sends 20%/80% to subsets no DestinationRule defines",
      files: { "config_dump.json": broken, "catalog.yaml": catalogObjectsYaml },
      expect: {
        category: "missing-cluster",
        resource: { kind: "Pod", namespace: "istio-system", name: "istio-ingressgateway-74df47f5f9-nv65v" },
        summary: "routes send 20% to outbound|80|version-v1|catalog.istioinaction.svc.cluster.local and 80% to outbound|80|version-v2|catalog.istioinaction.svc.cluster.local, and no such cluster exists",
        evidence: [/http\.8080 \/ catalog\.istioinaction\.io:80 sends 20% to outbound\|80\|version-v1/, /no DestinationRule for catalog\.istioinaction\.svc\.cluster\.local defines subset version-v1, version-v2/],
        fixIncludes: [/kind: DestinationRule/, /- name: version-v1\n    labels:\n      version: v1/, /- name: version-v2\n    labels:\n      version: v2/],
        equivalents: ["IST0101", "KIA1107"],
      },
    },
    {
      name: "a DestinationRule exists but lacks subset version-v2",
      files: { "config_dump.json": broken, "catalog.yaml": catalogObjectsYaml, "dr.yaml": destinationRuleV1Only },
      expect: { evidence: [/DestinationRule istioinaction\/catalog has no subset version-v1, version-v2/], fixIncludes: [/Add the subsets/] },
    },
  ],
});
