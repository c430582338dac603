import { missingConfigReference } from "../../../src/rules/pod/missing-config-reference.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, deployment, event, list, NOW, pod, running } from "./fixtures.js";

const envFromSecret = [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-secret", key: "passwrod" } } }];
const configError = (message: string) => ({ state: { waiting: { reason: "CreateContainerConfigError", message } }, ready: false, restartCount: 0 });
const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "db-secret", namespace: "default" }, type: "Opaque", data: { username: "YXBw", password: "czNjcjN0" } };

testRule(missingConfigReference, {
  valid: [
    { name: "healthy pod whose secret exists", files: { "pod.json": list(pod({ containers: [{ env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-secret", key: "password" } } }], status: running() }] }), secret) }, now: NOW },
    { name: "a KeyError on a lower-case dict key is the app's own bug, not config", files: { "pod.json": list(pod({ containers: [{ status: running("2025-06-02T10:14:00Z", 0, true) }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "KeyError: 'user_id'\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "key typo passwrod, the Secret has password",
      files: {
        "pod.json": list(
          pod({ owner: "Deployment/api", phase: "Pending", containers: [{ env: envFromSecret, status: configError("couldn't find key passwrod in Secret default/db-secret") }] }),
          deployment("api", [{ env: envFromSecret }]),
          secret,
          event("Failed", "Error: couldn't find key passwrod in Secret default/db-secret", { count: 6 }),
        ),
      },
      now: NOW,
      expect: { category: "missing-config-reference", summary: /key "passwrod" in Secret db-secret/, evidence: [/did you mean "password"/, /x6/], fixIncludes: [/key: password/, /kubectl patch deployment api/] },
    },
    {
      name: "Secret does not exist (kubelet message)",
      files: { "pod.json": list(pod({ phase: "Pending", containers: [{ envFrom: [{ secretRef: { name: "db-creds" } }], status: configError('secret "db-creds" not found') }] }), event("Failed", 'Error: secret "db-creds" not found', { count: 12 })) },
      now: NOW,
      expect: { category: "missing-config-reference", summary: /Secret db-creds does not exist/, fixIncludes: [/kubectl create secret generic db-creds/] },
    },
    {
      name: "ConfigMap volume missing: FailedMount, pod stuck in ContainerCreating",
      files: {
        "pod.json": list(
          pod({ phase: "Pending", containers: [{ volumeMounts: [{ name: "cfg", mountPath: "/etc/app" }], status: { state: { waiting: { reason: "ContainerCreating" } }, ready: false, restartCount: 0 } }], volumes: [{ name: "cfg", configMap: { name: "app-config" } }] }),
          event("FailedMount", 'MountVolume.SetUp failed for volume "cfg" : configmap "app-config" not found', { count: 9 }),
        ),
      },
      now: NOW,
      expect: { category: "missing-config-reference", summary: /ConfigMap app-config/, fixIncludes: [/kubectl create configmap app-config/] },
    },
    {
      name: "Python KeyError on an env var, Secret has a matching key",
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 1 }) }] }), { apiVersion: "v1", kind: "Secret", metadata: { name: "exporter", namespace: "default" }, data: { "api-base-url": "" } }) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: 'Traceback (most recent call last):\n  File "/app/settings.py", line 24, in <module>\n    API_BASE_URL = validate_api_base_url(os.environ["API_BASE_URL"])\n  File "/usr/local/lib/python3.8/os.py", line 675, in __getitem__\n    raise KeyError(key) from None\nKeyError: \'API_BASE_URL\'\n' }],
      now: NOW,
      expect: { category: "missing-config-reference", evidence: [/KeyError: 'API_BASE_URL'/], fixIncludes: [/API_BASE_URL/, /key: api-base-url/] },
    },
    {
      name: "Spring unresolved placeholder (k8s-fleetman#53)",
      files: { "pod.json": list(pod({ containers: [{ image: "richardchesterwood/k8s-fleetman-position-simulator:release2", status: crashLoop({ exitCode: 1 }) }] })) },
      logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text: "2025-06-02 10:12:08.412 ERROR 1 --- [           main] o.s.boot.SpringApplication               : Application startup failed\norg.springframework.beans.factory.BeanCreationException: Error creating bean with name 'journeySimulator': Injection of autowired dependencies failed; nested exception is java.lang.IllegalArgumentException: Could not resolve placeholder 'fleetman.position.queue' in string value \"${fleetman.position.queue}\"\n" }],
      now: NOW,
      expect: { category: "missing-config-reference", evidence: [/Could not resolve placeholder/] },
    },
  ],
});
