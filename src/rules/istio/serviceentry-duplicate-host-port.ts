import { defineRule } from "../../contract/rule.js";
import type { KubeObject } from "../../model/kube.js";
import { analyzeCommand, fieldEvidence, reportIstio, kubectl } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";

interface PortUse {
  entry: KubeObject;
  portIndex: number;
  protocol: string;
}

/**
 * Kiali's KIA1211: two ServiceEntries for the same host (case-insensitive) and port number with
 * the same protocol. With different protocols it is KIA1212 (istio/serviceentry-conflicting-protocol).
 */
export const serviceEntryDuplicateHostPort = defineRule({
  id: "istio/serviceentry-duplicate-host-port",
  category: "routing-conflict",
  severity: "warning",
  title: "Two ServiceEntries declare the same host and port",
  docs: {
    cause: "Several ServiceEntries declare one host and port. Istio merges them into one service, so their endpoints, resolution and location are combined in ways neither entry says, and removing one entry does not remove the service.",
    fix: "Keep one ServiceEntry per host and port, and delete or merge the others.",
    verify: ["kubectl get serviceentries -A", "istioctl proxy-config cluster deploy/<client> --fqdn <host>"],
    references: ["https://kiali.io/docs/features/validations/#kia1211---more-than-one-serviceentry-for-the-same-host-and-port", "https://istio.io/latest/docs/reference/config/networking/service-entry/"],
  },
  equivalents: ["KIA1211"],
  inputs: ["istio"],
  reads: ["EndpointSlice", "Endpoints", "Service", "ServiceEntry", "WorkloadEntry"],
  scopes: ["lint", "diagnose"],
  messages: {
    "duplicate-host-port": "{resource} declares {hostPort}, as {others} {verb} too",
  },
  analyze(ctx) {
    const { view } = ctx;
    const uses = new Map<string, PortUse[]>();
    for (const entry of view.kind("ServiceEntry")) {
      if (!(entry.apiVersion ?? "").includes("istio.io/")) continue;
      const spec = recordOf(entry.spec) ?? {};
      arrayOf<unknown>(spec.ports).forEach((port, portIndex) => {
        const number = recordOf(port)?.number;
        if (typeof number !== "number") return;
        for (const host of arrayOf<unknown>(spec.hosts)) {
          if (typeof host !== "string") continue;
          const key = `${host.toLowerCase()}:${number}`;
          uses.set(key, [...(uses.get(key) ?? []), { entry, portIndex, protocol: String(recordOf(port)?.protocol ?? "").toUpperCase() }]);
        }
      });
    }
    for (const [key, list] of uses) {
      if (list.length < 2 || new Set(list.map((use) => use.protocol)).size > 1) continue;
      for (const use of list) {
        const others = list.filter((other) => other !== use);
        reportIstio(this, ctx, {
          object: use.entry,
          istioMessage: `More than one ServiceEntry for the same host and port (${key})`,
          path: ["spec", "ports", use.portIndex],
          message: "duplicate-host-port",
          data: { resource: refOf(use.entry), hostPort: key, others: others.map((other) => refOf(other.entry)).join(", "), verb: others.length === 1 ? "does" : "do" },
          cause: `Istio merges the ServiceEntries for ${key} into one service.`,
          fix: { description: `Keep one ServiceEntry for ${key}.`, commands: [kubectl("get", use.entry, "-o yaml"), ...others.map((other) => kubectl("get", other.entry, "-o yaml"))] },
          evidence: others.map((other) => fieldEvidence(view, other.entry, ["spec", "ports", other.portIndex], `${refOf(other.entry)} ${key}`)),
          verify: [analyzeCommand(use.entry)],
        });
      }
    }
  },
});
