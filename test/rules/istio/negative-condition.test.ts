import { negativeCondition } from "../../../src/rules/istio/negative-condition.js";
import { testRule } from "../../helpers/rule-tester.js";

const service = (conditions: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\n  labels:\n    istio.io/use-waypoint: waypoint\nspec:\n  ports:\n  - name: http\n    port: 9080\n  selector:\n    app: reviews\nstatus:\n  conditions:\n${conditions}`;

testRule(negativeCondition, {
  valid: [
    { name: "bound to its waypoint", files: { "svc.yaml": service('  - type: istio.io/WaypointBound\n    status: "True"\n    reason: WaypointAccepted\n    message: bound to bookinfo/waypoint\n') } },
    { name: "another controller's condition", files: { "svc.yaml": service('  - type: argocd.argoproj.io/Synced\n    status: "False"\n    reason: OutOfSync\n') } },
  ],
  invalid: [{ name: "waypoint missing", files: { "svc.yaml": service('  - type: istio.io/WaypointBound\n    status: "False"\n    reason: WaypointNotFound\n    message: waypoint bookinfo/waypoint not found\n') }, expect: { severity: "warning", summary: /istio.io\/WaypointBound=False \(WaypointNotFound\)/, equivalents: ["IST0171"] } }],
});
