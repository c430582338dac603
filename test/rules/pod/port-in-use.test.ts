import { portInUse } from "../../../src/rules/pod/port-in-use.js";
import { testRule } from "../../helpers/rule-tester.js";
import { crashLoop, list, NOW, pod, running } from "./fixtures.js";

const log = (text: string, container = "app") => [{ pod: "api-7d9f8b6c5d-x2k9p", container, previous: true, text }];

testRule(portInUse, {
  valid: [
    { name: "two containers on different ports", files: { "pod.json": list(pod({ containers: [{ ports: [{ containerPort: 8080 }], status: running() }, { name: "metrics", ports: [{ containerPort: 9090 }], status: running() }] })) }, now: NOW },
    { name: "address in use logged and recovered by a retry while running", files: { "pod.json": list(pod({ containers: [{ status: running() }] })) }, logs: [{ pod: "api-7d9f8b6c5d-x2k9p", container: "app", text: "WARN listen tcp :8080: bind: address already in use; retrying in 1s\nINFO listening on :8080\n" }], now: NOW },
  ],
  invalid: [
    {
      name: "traefik with hostNetwork collides with the API server (traefik#872)",
      files: { "pod.json": list(pod({ containers: [{ name: "traefik", ports: [{ containerPort: 8080 }], status: crashLoop({ exitCode: 1 }, 5, "2m40s", "traefik") }], spec: { hostNetwork: true } })) },
      logs: log('time="2016-11-22T12:35:00Z" level=fatal msg="Error creating server: listen tcp :8080: bind: address already in use"\n', "traefik"),
      now: NOW,
      expect: { category: "port-in-use", fixIncludes: [/hostNetwork/] },
    },
    {
      name: "two containers of one pod both on 8080",
      files: { "pod.json": list(pod({ containers: [{ ports: [{ containerPort: 8080 }], status: crashLoop({ exitCode: 1 }) }, { name: "admin", ports: [{ containerPort: 8080 }], status: running() }] })) },
      logs: log("Exception in thread \"main\" java.net.BindException: Address already in use\n\tat java.base/sun.nio.ch.Net.bind0(Native Method)\n"),
      now: NOW,
      expect: { category: "port-in-use" },
    },
    {
      name: "Node EADDRINUSE",
      files: { "pod.json": list(pod({ containers: [{ ports: [{ containerPort: 3000 }], status: crashLoop({ exitCode: 1 }) }] })) },
      logs: log("node:events:497\n      throw er; // Unhandled 'error' event\n      ^\n\nError: listen EADDRINUSE: address already in use :::3000\n"),
      now: NOW,
      expect: { category: "port-in-use", fixIncludes: [/containerPort: 3001/] },
    },
  ],
});
