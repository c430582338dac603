import { virtualServiceDestinationPortNotFound } from "../../../src/rules/istio/virtualservice-destination-port-not-found.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs } from "./fixtures.js";

const service = `apiVersion: v1\nkind: Service\nmetadata:\n  name: ratings\n  namespace: default\nspec:\n  selector:\n    app: ratings\n  ports:\n  - name: http\n    port: 9080\n    targetPort: 8080`;
const vs = (port: number) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ratings\n  namespace: default\nspec:\n  hosts:\n  - ratings\n  http:\n  - route:\n    - destination:\n        host: ratings\n        port:\n          number: ${port}`;

testRule(virtualServiceDestinationPortNotFound, {
  valid: [{ name: "Service port", files: { "a.yaml": docs(service, vs(9080)) } }],
  invalid: [
    {
      name: "the container port (targetPort) instead of the Service port",
      files: { "a.yaml": docs(service, vs(8080)) },
      expect: { summary: /ratings:8080, but Service default\/ratings exposes only port 9080/, fixIncludes: [/number: 9080/], equivalents: ["IST0101"] },
    },
  ],
});
