/**
 * Istio's validation of each kind ktriage reads, field by field: what the API server's
 * validating webhook rejects (IST0106) and what it accepts with a warning (IST0133).
 */
import type { KubeObject } from "../../model/kube.js";
import { recordOf } from "../meta.js";
import type { ValidationMessage } from "./common.js";
import { validateDestinationRule } from "./destination-rule.js";
import { validateEnvoyFilter } from "./envoy-filter.js";
import { validateGateway } from "./gateway.js";
import { validateVirtualService } from "./virtual-service.js";

export type { ValidationMessage } from "./common.js";

/** Messages for one Istio object (networking.istio.io and the other istio.io groups); none for other APIs. */
export function istioValidation(object: KubeObject): ValidationMessage[] {
  const group = (object.apiVersion ?? "").split("/")[0] ?? "";
  if (!group.endsWith("istio.io")) return [];
  const spec = recordOf(object.spec);
  if (!spec) return [];
  const namespace = object.metadata?.namespace ?? "default";
  switch (object.kind) {
    case "VirtualService":
      return validateVirtualService(spec, namespace).list;
    case "DestinationRule":
      return validateDestinationRule(spec, namespace).list;
    case "Gateway":
      return validateGateway(spec, String(object.metadata?.name ?? "")).list;
    case "EnvoyFilter":
      return validateEnvoyFilter(spec).list;
    default:
      return [];
  }
}
