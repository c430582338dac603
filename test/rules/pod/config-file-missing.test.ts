import { configFileMissing } from "../../../src/rules/pod/config-file-missing.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, list, NOW, pod, running } from "./fixtures.js";

const cfgVolume = [{ name: "cfg", configMap: { name: "app-config" } }];
const log = (text: string, container = "app") => [{ pod: "api-7d9f8b6c5d-x2k9p", container, previous: true, text }];

testRule(configFileMissing, {
  valid: [
    { name: "healthy pod with its config mounted", files: { "pod.json": list(pod({ containers: [{ volumeMounts: [{ name: "cfg", mountPath: "/etc/app" }], status: running() }], volumes: cfgVolume })) }, now: NOW },
    { name: "running app that logs an optional file missing", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "INFO no override file /etc/app/override.yaml, using defaults\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "the app reads /etc/app/config.yaml, ConfigMap mounted at /etc/appconf",
      files: {
        "pod.json": list(
          pod({ owner: "Deployment/api", containers: [{ args: ["--config=/etc/app/config.yaml"], volumeMounts: [{ name: "cfg", mountPath: "/etc/appconf" }], status: crashLoop({ exitCode: 1 }) }], volumes: cfgVolume }),
          deployment("api", [{ args: ["--config=/etc/app/config.yaml"], volumeMounts: [{ name: "cfg", mountPath: "/etc/appconf" }] }], { volumes: cfgVolume }),
        ),
      },
      logs: log('time="2025-06-02T10:12:08Z" level=fatal msg="load config: open /etc/app/config.yaml: no such file or directory"\n'),
      now: NOW,
      expect: { category: "config-file-missing", evidence: [/open \/etc\/app\/config.yaml: no such file or directory/, /cfg at \/etc\/appconf/], fixIncludes: [/mountPath: \/etc\/app\n/] },
    },
    {
      name: "nginx: ConfigMap mounted over /etc/nginx/conf.d hides default.conf (Kubernetes_Devops#1)",
      files: { "pod.json": list(pod({ containers: [{ name: "nginx", image: "nginx:1.27", volumeMounts: [{ name: "nginx-conf", mountPath: "/etc/nginx/conf.d" }], status: crashLoop({ exitCode: 1 }, 5, "2m40s", "nginx") }], volumes: [{ name: "nginx-conf", configMap: { name: "nginx-conf" } }] })) },
      logs: log("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n10-listen-on-ipv6-by-default.sh: error: /etc/nginx/conf.d/default.conf is not a file or does not exist\n", "nginx"),
      now: NOW,
      expect: { category: "config-file-missing", fixIncludes: [/subPath: default.conf/] },
    },
    {
      name: "Go app reads a relative config.yaml from its working directory",
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] })) },
      logs: log('{"level":"fatal","ts":1748859128.41,"caller":"cmd/main.go:42","msg":"failed to load config","error":"open config.yaml: no such file or directory"}\n'),
      now: NOW,
      expect: { category: "config-file-missing", evidence: [/open config.yaml/] },
    },
    {
      name: "Spring class path resource missing (KubeFATE#32)",
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] })) },
      logs: log('Exception in thread "main" org.springframework.beans.factory.BeanDefinitionStoreException: IOException parsing XML document from class path resource [applicationContext-egg.xml]; nested exception is java.io.FileNotFoundException: class path resource [applicationContext-egg.xml] cannot be opened because it does not exist\n'),
      now: NOW,
      expect: { category: "config-file-missing" },
    },
    {
      name: "subPath mount fails at container start (ContainerCannotRun, home-ops#29)",
      files: {
        "pod.json": list(pod({ containers: [{ name: "blocky", volumeMounts: [{ name: "config", mountPath: "/app/config.yml", subPath: "config.yml" }], status: crashLoop({ exitCode: 128, reason: "ContainerCannotRun", message: 'OCI runtime create failed: container_linux.go:349: starting container process caused "process_linux.go:449: container init caused \\"rootfs_linux.go:58: mounting \\\\\\"/var/lib/kubelet/pods/5b0c/volume-subpaths/config/blocky/0\\\\\\" to rootfs \\\\\\"/var/lib/docker/overlay2/1f2e/merged\\\\\\" at \\\\\\"/var/lib/docker/overlay2/1f2e/merged/app/config.yml\\\\\\" caused \\\\\\"no such file or directory\\\\\\"\\"": unknown' }, 3, "40s", "blocky") }] })),
      },
      now: NOW,
      expect: { category: "config-file-missing" },
    },
  ],
});
