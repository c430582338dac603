import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { istiodSynczPath, podProxyPath } from "../../src/sources/live/envoy-admin.js";
import * as resources from "../../src/sources/live/resources.js";
import { repoRoot } from "../cluster/support.js";

// deploy/rbac.yaml against the API paths the live code builds, each turned into the verb,
// resource and subresource the API server authorises it as
// (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb).

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }

const documents = parseAllDocuments(readFileSync(join(repoRoot, "deploy/rbac.yaml"), "utf8")).map((doc) => doc.toJS() as Record<string, any>);
const role = (name: string) => documents.find((doc) => doc.kind === "ClusterRole" && doc.metadata.name === name)!.rules as Rule[];

/** A GET path as the API server's RequestInfo reads it. */
function authorise(path: string): { group: string; resource: string; verb: "get" | "list" } {
  const match = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/[^/]+)?\/([a-z]+)(?:\/([^/]+)(?:\/([a-z]+))?)?/.exec(path);
  if (!match) throw new Error(`not a resource path: ${path}`);
  const [, group = "", resource, name, subresource] = match;
  return { group, resource: subresource ? `${resource}/${subresource}` : resource!, verb: name ? "get" : "list" };
}

function allowed(rules: Rule[], request: ReturnType<typeof authorise>): boolean {
  return rules.some((rule) => rule.apiGroups.includes(request.group) && rule.resources.includes(request.resource) && rule.verbs.includes(request.verb));
}

// metrics-server's PodMetrics is only ever read one pod at a time (get), never listed.
const types = Object.values(resources).filter((value): value is resources.ResourceType => typeof value === "object" && value !== null && "resource" in value && "group" in value && value !== resources.POD_METRICS);
const paths = [
  ...types.map((type) => resources.collectionPath(type, type.namespaced ? "shop" : undefined)),
  ...types.map((type) => resources.collectionPath(type)),
  ...Object.values(resources.OWNER_TYPES).map((type) => `${resources.collectionPath(type, "shop")}/owner`),
  "/api/v1/namespaces/shop/pods/api-0",
  "/api/v1/namespaces/shop/pods/api-0/log",
  resources.objectPath(resources.POD_METRICS, "shop", "api-0"),
  "/api/v1/namespaces/shop",
  ...Object.entries(resources.ISTIO_KINDS).flatMap(([group, kinds]) => kinds.map((kind) => `/apis/${group}/v1/namespaces/shop/${kind.resource}`)),
  podProxyPath("shop", "api-0", 15000, "config_dump"),
  istiodSynczPath("istio-system"),
];

describe("deploy/rbac.yaml", () => {
  const read = role("ktriage-read");
  it("grants every request the live code can make, and only get and list", () => {
    const missing = paths.map((path) => ({ path, ...authorise(path) })).filter((request) => !allowed(read, request));
    expect(missing).toEqual([]);
    for (const rule of read) for (const verb of rule.verbs) expect(["get", "list"]).toContain(verb);
  });
  it("reads Envoy's admin through pods/proxy and never asks for exec, attach, port-forward or watch", () => {
    expect(authorise(podProxyPath("shop", "api-0", 15000, "config_dump"))).toEqual({ group: "", resource: "pods/proxy", verb: "get" });
    expect(allowed(read, { group: "", resource: "pods/proxy", verb: "get" })).toBe(true);
    for (const rule of [...read, ...role("ktriage-namespace")]) {
      expect(rule.resources.filter((resource) => /exec|attach|portforward/.test(resource))).toEqual([]);
      expect(rule.verbs).not.toContain("watch");
    }
  });
});
