import { insufficientPrivileges } from "../../../src/rules/pod/insufficient-privileges.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, running } from "./fixtures.js";

const nonRoot = { runAsNonRoot: true, runAsUser: 1000 };
const nginx = { name: "nginx", image: "nginx:1.27", ports: [{ containerPort: 80 }], securityContext: nonRoot };

testRule(insufficientPrivileges, {
  valid: [
    { name: "nginx-unprivileged on 8080, healthy", files: { "pod.json": list(pod({ containers: [{ ...nginx, image: "nginxinc/nginx-unprivileged:1.27", ports: [{ containerPort: 8080 }], status: running() }] })) }, now: NOW },
    { name: "a Go server logging a handled EPERM on an optional feature while running", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "W0602 10:00:01.000000 1 oom_linux.go:66] Failed to set oom_score_adj: write /proc/self/oom_score_adj: operation not permitted\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "non-root nginx binds port 80 under containerd (devlake#2290)",
      files: { "pod.json": list(pod({ owner: "Deployment/config-ui", containers: [{ ...nginx, status: crashLoop({ exitCode: 1 }, 5, "2m40s", "nginx") }] }), deployment("config-ui", [nginx])) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "nginx", previous: true, text: "2022/06/21 17:46:06 [emerg] 12#12: bind() to 0.0.0.0:80 failed (13: Permission denied)\nnginx: [emerg] bind() to 0.0.0.0:80 failed (13: Permission denied)\n" }],
      now: NOW,
      expect: { category: "insufficient-privileges", fixIncludes: [/containerPort: 8080/, /NET_BIND_SERVICE/] },
    },
    {
      name: "runAsNonRoot with an image that runs as root (CreateContainerConfigError)",
      files: { "pod.json": list(pod({ phase: "Pending", containers: [{ securityContext: { runAsNonRoot: true }, status: { state: { waiting: { reason: "CreateContainerConfigError", message: "container has runAsNonRoot and image will run as root (pod: \"api-7d9f8b6c5d-x2k9p_default(5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21)\", container: app)" } }, restartCount: 0 } }] }), event("Failed", 'Error: container has runAsNonRoot and image will run as root (pod: "api-7d9f8b6c5d-x2k9p_default(5b0c6f0e-3c1f-4c8a-9a43-1d2e0f6a7b21)", container: app)', { count: 8 })) },
      now: NOW,
      expect: { category: "insufficient-privileges", fixIncludes: [/runAsUser: 10001/] },
    },
    {
      name: "chown without CAP_CHOWN (docker-jellyfin#27)",
      files: { "pod.json": list(pod({ containers: [{ name: "jellyfin", securityContext: { capabilities: { drop: ["ALL"] } }, status: crashLoop({ exitCode: 1 }, 5, "2m40s", "jellyfin") }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "jellyfin", previous: true, text: "chown: changing ownership of '/data/movies': Operation not permitted\n[cont-init.d] 30-config: exited 1.\n" }],
      now: NOW,
      expect: { category: "insufficient-privileges", fixIncludes: [/CHOWN/] },
    },
    {
      name: "Go server binds :80 as non-root",
      files: { "pod.json": list(pod({ containers: [{ securityContext: nonRoot, status: crashLoop({ exitCode: 1 }) }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: 'time="2025-06-02T10:12:08Z" level=fatal msg="listen tcp :80: bind: permission denied"\n' }],
      now: NOW,
      expect: { category: "insufficient-privileges", summary: /bind: permission denied/ },
    },
  ],
});
