import { appRuntimeError } from "../../../src/rules/pod/app-runtime-error.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const crashing = (exitCode: number) => list(pod({ containers: [{ status: crashLoop({ exitCode }) }] }));
const log = (text: string) => [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", previous: true, text }];

testRule(appRuntimeError, {
  valid: [
    { name: "healthy Go service", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, now: NOW },
    { name: "a panic that was recovered in a running pod", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "http: panic serving 10.244.0.1:51234: runtime error: index out of range [3] with length 3\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "Go nil pointer panic (opni#402), exit 2",
      files: { "pod.json": crashing(2) },
      logs: log("panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b5140d]\n\ngoroutine 1538 [running]:\ngithub.com/rancher/opni/pkg/resources/gateway.(*Reconciler).configMap(0xc001669980)\n\t/src/pkg/resources/gateway/configmap.go:49 +0x18d\n"),
      now: NOW,
      expect: { category: "app-runtime-error", evidence: [/panic: runtime error: invalid memory address/, /SIGSEGV/], fixIncludes: [/FallbackToLogsOnError/] },
    },
    {
      name: "Node unhandled rejection (empirica#169)",
      files: { "pod.json": crashing(1) },
      logs: log("[server] [UnhandledPromiseRejection: This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason \"[object Object]\".] {\n[server]   code: 'ERR_UNHANDLED_REJECTION'\n[server] }\n"),
      now: NOW,
      expect: { category: "app-runtime-error" },
    },
    {
      name: "Java NullPointerException in main",
      files: { "pod.json": crashing(1) },
      logs: log('Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null\n\tat com.example.shop.Main.main(Main.java:14)\n'),
      now: NOW,
      expect: { category: "app-runtime-error", evidence: [/NullPointerException/] },
    },
    {
      name: "FallbackToLogsOnError: the panic is in the termination message",
      files: { "pod.json": list(pod({ containers: [{ status: crashLoop({ exitCode: 2, message: "panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:12 +0x2e\n" }) }] })) },
      now: NOW,
      expect: { category: "app-runtime-error", evidence: [/termination message line 1: panic: assignment to entry in nil map/] },
    },
    { name: "exit 139 with no log: a native crash", files: { "pod.json": crashing(139) }, now: NOW, expect: { category: "app-runtime-error", summary: /segmentation fault/ } },
    {
      name: "Python traceback with a ValueError",
      files: { "pod.json": crashing(1) },
      logs: log('Traceback (most recent call last):\n  File "/app/main.py", line 12, in <module>\n    limit = int(os.environ.get("BATCH_LIMIT", "ten"))\nValueError: invalid literal for int() with base 10: \'ten\'\n'),
      now: NOW,
      expect: { category: "app-runtime-error", summary: /ValueError: invalid literal for int\(\) with base 10: 'ten'/, evidence: [/previous log line 4: ValueError/] },
    },
    {
      name: "Python traceback through a library: the verdict is the exception, not the Traceback line",
      files: { "pod.json": crashing(1) },
      logs: log(
        "2025-06-02 10:30:02,118 INFO export: exporting orders for 2025-05 to s3://acme-reports\n" +
          "Traceback (most recent call last):\n" +
          '  File "/app/export.py", line 52, in upload\n' +
          "    s3.upload_file(path, bucket, key)\n" +
          '  File "/usr/local/lib/python3.12/site-packages/botocore/auth.py", line 418, in add_auth\n' +
          "    raise NoCredentialsError()\n" +
          "botocore.exceptions.NoCredentialsError: Unable to locate credentials\n",
      ),
      now: NOW,
      expect: { category: "app-runtime-error", summary: /NoCredentialsError: Unable to locate credentials/, evidence: [/previous log line 7: botocore.exceptions.NoCredentialsError/] },
    },
  ],
});
