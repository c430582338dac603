import { deploymentServicePortConflict } from "../../../src/rules/istio/deployment-service-port-conflict.js";
import { testRule } from "../../helpers/rule-tester.js";
import { docs, reviewsDeployment } from "./fixtures.js";

const service = (name: string, port: number, portName: string, targetPort = port) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  selector:\n    app: reviews\n  ports:\n  - name: ${portName}\n    port: ${port}\n    targetPort: ${targetPort}`;

testRule(deploymentServicePortConflict, {
  valid: [{ name: "two Services, same protocol", files: { "a.yaml": docs(reviewsDeployment("v1"), service("reviews", 9080, "http"), service("reviews-internal", 9080, "http-internal")) } }],
  invalid: [
    { name: "port 9080 as tcp and http", files: { "a.yaml": docs(reviewsDeployment("v1"), service("reviews", 9080, "http"), service("reviews-tcp", 9080, "tcp")) }, expect: { severity: "warning", summary: /port 9080 different protocols \(HTTP, TCP\)/, equivalents: ["IST0116"] } },
    { name: "targetPort 9080 behind ports 9080 and 80", files: { "a.yaml": docs(reviewsDeployment("v1"), service("reviews", 9080, "http"), service("reviews-web", 80, "http", 9080)) }, expect: { summary: /targetPort 9080 is exposed as ports 9080 and 80/, equivalents: ["IST0137"] } },
  ],
});
