import { proxySyncStateUnknown } from "../../../src/rules/envoy/proxy-sync-state-unknown.js";
import { testRule } from "../../helpers/rule-tester.js";
import { catalogMesh127, perType124, syncz124 } from "./proxy-status-fixtures.js";

testRule(proxySyncStateUnknown, {
  valid: [
    { name: "per-type layout shows sync state", files: { "proxy-status.txt": perType124 } },
    { name: "syncz shows sync state", files: { "syncz.json": syncz124 } },
  ],
  invalid: [{ name: "the 1.27 default layout says nothing about STALE", files: { "proxy-status.txt": catalogMesh127 }, expect: { severity: "info", summary: "6 proxies listed without sync state: STALE and ERROR are not visible in this layout", count: 1 } }],
});
