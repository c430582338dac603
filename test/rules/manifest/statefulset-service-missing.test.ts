import { statefulSetServiceMissingRule } from "../../../src/rules/manifest/statefulset-service-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { statefulSet } from "./fixtures.js";

const headless = (name: string, clusterIP = "None") => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
spec:
  clusterIP: ${clusterIP}
  selector:
    app: db
  ports:
  - name: tcp-postgres
    port: 5432
`;

const postgres = "containers:\n- name: postgres\n  image: postgres:16.4\n  ports:\n  - { name: postgres, containerPort: 5432 }";
const db = statefulSet(postgres, "", { replicas: 3 });
// Argo CD's application controller as published: one replica, serviceName names a Service the set does not ship.
const single = statefulSet(postgres);

testRule(statefulSetServiceMissingRule, {
  valid: [
    { name: "headless Service selecting the pods", mode: "lint", files: { "sts.yaml": db, "svc.yaml": headless("db") } },
    { name: "no Service in the inputs at all: cannot tell", mode: "lint", files: { "sts.yaml": db } },
  ],
  invalid: [
    {
      name: "serviceName with no such Service",
      mode: "lint",
      files: { "sts.yaml": db, "svc.yaml": headless("db-headless") },
      expect: { category: "dependency-unavailable", severity: "warning", resource: { kind: "StatefulSet", name: "db", line: 7 }, summary: /names Service "db", which does not exist; did you mean "db-headless"/, equivalents: ["kube-score:statefulset-has-servicename"] },
    },
    {
      name: "one replica and no peer naming the Service: pods run, only per-pod DNS names are missing (info)",
      mode: "lint",
      files: { "sts.yaml": single, "svc.yaml": headless("db-headless") },
      expect: { severity: "info", summary: /names Service "db", which does not exist/ },
    },
    { name: "Service is not headless", mode: "lint", files: { "sts.yaml": db, "svc.yaml": headless("db", "10.96.12.7") }, expect: { severity: "warning", summary: /not headless/ } },
  ],
});
