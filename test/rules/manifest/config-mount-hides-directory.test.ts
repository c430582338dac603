import { configMountHidesDirectoryRule } from "../../../src/rules/manifest/config-mount-hides-directory.js";
import { testRule } from "../../helpers/rule-tester.js";
import { deployment } from "./fixtures.js";

const nginxConf = `apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-conf
  namespace: shop
data:
  nginx.conf: |
    events {}
    http { server { listen 8080; } }
`;

testRule(configMountHidesDirectoryRule, {
  valid: [
    { name: "subPath mount of nginx.conf", mode: "lint", files: { "cm.yaml": nginxConf, "d.yaml": deployment("containers:\n- name: web\n  image: nginx:1.27.2\n  volumeMounts:\n  - name: conf\n    mountPath: /etc/nginx/nginx.conf\n    subPath: nginx.conf\nvolumes:\n- name: conf\n  configMap: { name: nginx-conf }") } },
    { name: "own directory", mode: "lint", files: { "d.yaml": deployment("containers:\n- name: app\n  image: ghcr.io/acme/app:1.0.0\n  volumeMounts:\n  - name: conf\n    mountPath: /etc/app\nvolumes:\n- name: conf\n  configMap: { name: app-config }") } },
  ],
  invalid: [
    {
      name: "ConfigMap over /etc/nginx (real crash: default.conf is not a file or does not exist)",
      mode: "lint",
      files: { "cm.yaml": nginxConf, "d.yaml": deployment("containers:\n- name: web\n  image: nginx:1.27.2\n  volumeMounts:\n  - name: conf\n    mountPath: /etc/nginx\nvolumes:\n- name: conf\n  configMap: { name: nginx-conf }") },
      expect: { category: "config-file-missing", resource: { line: 21 }, summary: /over \/etc\/nginx/, fixIncludes: ["mountPath: /etc/nginx/nginx.conf", "subPath: nginx.conf"] },
    },
    {
      name: "ConfigMap over the app directory the command runs from",
      mode: "lint",
      files: {
        "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-config\n  namespace: shop\ndata:\n  settings.json: '{}'\n",
        "d.yaml": deployment('containers:\n- name: api\n  image: ghcr.io/acme/api:1.2.0\n  command: ["node", "/app/server.js"]\n  volumeMounts:\n  - name: conf\n    mountPath: /app\nvolumes:\n- name: conf\n  configMap: { name: api-config }'),
      },
      expect: { summary: /over \/app/ },
    },
  ],
});
