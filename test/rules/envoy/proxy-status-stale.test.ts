import { proxyStatusStale } from "../../../src/rules/envoy/proxy-status-stale.js";
import { testRule } from "../../helpers/rule-tester.js";
import { catalogMesh127, perType124, verbose127, json130, syncz124 } from "./proxy-status-fixtures.js";

testRule(proxyStatusStale, {
  valid: [{ name: "every proxy subscribed on istiod 1.27 (SUBSCRIBED TYPES layout)", files: { "proxy-status.txt": catalogMesh127 } }],
  invalid: [
    {
      name: "1.24 per-type layout with a STALE proxy",
      files: { "proxy-status.txt": perType124 },
      expect: { category: "proxy-config-stale", resource: { kind: "Pod", namespace: "istioinaction", name: "catalog-v2-7cc6f578cd-5jzdl" }, summary: "proxy catalog-v2-7cc6f578cd-5jzdl.istioinaction is CDS STALE (14m), EDS STALE (14m) against istiod-7d4f9c7b6d-2xk8q", evidence: [/CDS STALE \(14m\), LDS SYNCED \(14m\)/], count: 1 },
    },
    { name: "1.27 verbose layout", files: { "proxy-status.txt": verbose127 }, expect: { summary: /CDS STALE/ } },
    { name: "proxy-status -o json with an ERROR (NACK)", files: { "proxy-status.json": json130 }, expect: { summary: /ratings-v1-f745cf57b-qrxl2.bookinfo is CDS ERROR against istiod-6b9c8d7f5-wq2lp/, fixIncludes: [/rejection/] } },
  ],
});

testRule(proxyStatusStale, {
  valid: [],
  invalid: [
    {
      name: "istiod 1.22+ /debug/syncz with a NACKed listener",
      files: { "syncz.json": syncz124 },
      expect: { resource: { name: "reviews-v2-5b667bcbf8-hq7ns", namespace: "bookinfo" }, summary: /LDS ERROR \(Error adding\/updating listener\(s\) 0.0.0.0_9080: duplicate listener/, count: 1 },
    },
  ],
});
