import { configReferenceMissingRule } from "../../../src/rules/manifest/config-reference-missing.js";
import { testRule } from "../../helpers/rule-tester.js";

const deployment = (env: string, volumes = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
      - name: api
        image: registry.example.com/shop/api:1.4.2
${env}${volumes}`;

const dbSecret = `apiVersion: v1
kind: Secret
metadata:
  name: db-secret
  namespace: shop
type: Opaque
data:
  password: c2VjcmV0
  username: YXBp
`;

const appConfig = `apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
  namespace: shop
data:
  config.yaml: |
    listen: 8080
`;

const passwordRef = (name: string, key: string) => `        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: ${name}
              key: ${key}
`;

testRule(configReferenceMissingRule, {
  valid: [
    { name: "secret and key exist", mode: "lint", files: { "deploy.yaml": deployment(passwordRef("db-secret", "password")), "secret.yaml": dbSecret } },
    {
      name: "optional reference to a missing Secret",
      mode: "lint",
      files: { "deploy.yaml": deployment(`        env:\n        - name: FEATURE_FLAGS\n          valueFrom:\n            configMapKeyRef:\n              name: flags\n              key: all\n              optional: true\n`) },
    },
    {
      name: "configMap volume with existing keys",
      mode: "lint",
      files: {
        "deploy.yaml": deployment("", `        volumeMounts:\n        - name: cfg\n          mountPath: /etc/app\n      volumes:\n      - name: cfg\n        configMap:\n          name: app-config\n          items:\n          - key: config.yaml\n            path: config.yaml\n`),
        "cm.yaml": appConfig,
      },
    },
    {
      name: "a scanned cluster whose Secrets could not be listed proves nothing",
      mode: "offline",
      files: { "deploy.yaml": deployment(passwordRef("db-creds", "password")) },
    },
    {
      name: "pods owned by a ReplicaSet are left to their Deployment",
      mode: "lint",
      files: {
        "pod.yaml": `apiVersion: v1\nkind: Pod\nmetadata:\n  name: api-7d9f-x2x\n  namespace: shop\n  ownerReferences:\n  - apiVersion: apps/v1\n    kind: ReplicaSet\n    name: api-7d9f\n    controller: true\nspec:\n  containers:\n  - name: api\n    image: registry.example.com/shop/api:1.4.2\n    envFrom:\n    - secretRef:\n        name: nope\n`,
      },
    },
  ],
  invalid: [
    {
      name: "secret key typo passwrod",
      mode: "lint",
      files: { "deploy.yaml": deployment(passwordRef("db-secret", "passwrod")), "secret.yaml": dbSecret },
      expect: {
        category: "missing-config-reference",
        severity: "error",
        resource: { kind: "Deployment", name: "api", namespace: "shop", container: "api", file: "deploy.yaml", line: 22 },
        summary: /no key "passwrod".*did you mean "password"/,
        evidence: ['valueFrom.secretKeyRef.key is "passwrod"', "keys: password, username"],
        fixIncludes: ["key: password", "kubectl apply -f deploy.yaml"],
        equivalents: ["kube-linter:env-value-from"],
      },
    },
    {
      name: "missing Secret with no cluster context is a warning with a suggestion",
      mode: "lint",
      files: { "deploy.yaml": deployment(passwordRef("db-secrets", "password")), "secret.yaml": dbSecret },
      expect: { severity: "warning", summary: /Secret "db-secrets".*does not exist; did you mean "db-secret"/, resource: { line: 21 }, fixIncludes: ["name: db-secret"] },
    },
    {
      name: "missing Secret with a cluster inventory (Node objects) is an error",
      mode: "lint",
      files: {
        "deploy.yaml": deployment(passwordRef("db-creds", "password")),
        "nodes.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Node", metadata: { name: "worker-1" } }] }),
        "secrets.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Secret", metadata: { name: "regcred", namespace: "shop" }, type: "kubernetes.io/dockerconfigjson", data: { ".dockerconfigjson": "" } }] }),
      },
      expect: { severity: "error", summary: /Secret "db-creds"/, fixIncludes: ["kubectl create secret generic db-creds -n shop --from-literal=password=<value>"] },
    },
    {
      name: "envFrom a ConfigMap that does not exist",
      mode: "lint",
      files: { "deploy.yaml": deployment(`        envFrom:\n        - configMapRef:\n            name: api-settings\n`) },
      expect: { summary: /ConfigMap "api-settings"/, evidence: [/envFrom\[0\]\.configMapRef\.name is "api-settings"/] },
    },
    {
      name: "configMap volume item key missing",
      mode: "lint",
      files: {
        "deploy.yaml": deployment("", `      volumes:\n      - name: cfg\n        configMap:\n          name: app-config\n          items:\n          - key: config.yml\n            path: config.yml\n`),
        "cm.yaml": appConfig,
      },
      expect: { summary: /ConfigMap "app-config" has no key "config.yml".*"config.yaml"/, fixIncludes: ["key: config.yaml"] },
    },
    {
      name: "projected secret source missing, in a scanned cluster template",
      mode: "offline",
      files: {
        "deploy.yaml": deployment("", `      volumes:\n      - name: creds\n        projected:\n          sources:\n          - secret:\n              name: tls-bundle\n`),
        "secret.yaml": dbSecret,
      },
      expect: { severity: "error", summary: /Secret "tls-bundle" used by Deployment api \(volume creds\)/ },
    },
  ],
});
