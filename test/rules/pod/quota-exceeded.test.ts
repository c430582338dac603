import { quotaExceeded } from "../../../src/rules/pod/quota-exceeded.js";
import { testRule } from "../../helpers/rule-tester.js";
import { event, list, NOW } from "./fixtures.js";

const rs = (conditions: unknown[]) => ({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "api-7d9f8b6c5d", namespace: "shop" }, spec: { replicas: 3 }, status: { replicas: 1, conditions } });

testRule(quotaExceeded, {
  valid: [
    { name: "ReplicaSet without failures", files: { "rs.json": list(rs([])) }, now: NOW },
    { name: "FailedCreate for another reason (webhook) is not quota", files: { "ev.json": list(event("FailedCreate", 'Error creating: Internal error occurred: failed calling webhook "sidecar-injector.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/inject": context deadline exceeded', { kind: "ReplicaSet", name: "api-7d9f8b6c5d", namespace: "shop", component: "replicaset-controller" })) }, now: NOW },
  ],
  invalid: [
    { name: "exceeded quota event", files: { "ev.json": list(event("FailedCreate", 'Error creating: pods "api-7d9f8b6c5d-9k2xw" is forbidden: exceeded quota: compute-quota, requested: limits.memory=1Gi, used: limits.memory=3Gi, limited: limits.memory=4Gi', { kind: "ReplicaSet", name: "api-7d9f8b6c5d", namespace: "shop", component: "replicaset-controller", count: 14 })) }, now: NOW, expect: { category: "quota-exceeded", resource: { kind: "ReplicaSet", name: "api-7d9f8b6c5d" }, summary: /compute-quota/ } },
    { name: "quota requires limits", files: { "ev.json": list(event("FailedCreate", 'Error creating: pods "api-7d9f8b6c5d-9k2xw" is forbidden: failed quota: compute-quota: must specify limits.cpu for: app; limits.memory for: app', { kind: "ReplicaSet", name: "api-7d9f8b6c5d", namespace: "shop", component: "replicaset-controller" })) }, now: NOW, expect: { category: "quota-exceeded", summary: /requires limits.cpu/ } },
    { name: "ReplicaFailure condition on the ReplicaSet", files: { "rs.json": list(rs([{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: 'pods "api-7d9f8b6c5d-9k2xw" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi' }])) }, now: NOW, expect: { category: "quota-exceeded", summary: /LimitRange/ } },
  ],
});
