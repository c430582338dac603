/**
 * Istio's validation of each kind ktriage reads, field by field: what the API server's
 * validating webhook rejects (IST0106) and what it accepts with a warning (IST0133).
 */
import type { KubeObject } from "../../model/kube.js";
import { recordOf } from "../../k8s/objects.js";
import { Messages, type ValidationMessage } from "./common.js";
import { validateDestinationRule } from "./destination-rule.js";
import { validateEnvoyFilter } from "./envoy-filter.js";
import { validateProxyConfig, validateTelemetry, validateWasmPlugin } from "./extensions.js";
import { validateGateway } from "./gateway.js";
import { validateAuthorizationPolicy, validatePeerAuthentication, validateRequestAuthentication } from "./security.js";
import { validateServiceEntry, validateWorkloadEntry, validateWorkloadGroup } from "./service-entry.js";
import { validateSidecar } from "./sidecar.js";
import { validateVirtualService } from "./virtual-service.js";
import { appliedNamespace } from "../../model/namespace.js";

export type { ValidationMessage } from "./common.js";

/** Kinds whose validation is here; for the others Istio's webhook checks only the structure. */
export const VALIDATED_KINDS = [
  "VirtualService", "DestinationRule", "Gateway", "EnvoyFilter", "Sidecar", "ServiceEntry", "WorkloadEntry", "WorkloadGroup",
  "AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication", "Telemetry", "WasmPlugin", "ProxyConfig",
];

/** Messages for one Istio object (networking.istio.io and the other istio.io groups), with whether Istio drops its warnings. */
export function istioValidationResult(object: KubeObject): Messages {
  const group = (object.apiVersion ?? "").split("/")[0] ?? "";
  // Istio validates an object without a spec as one with an empty spec.
  const spec = object.spec === undefined || object.spec === null ? {} : recordOf(object.spec);
  if (!group.endsWith("istio.io") || !spec) return new Messages();
  const namespace = appliedNamespace(object.metadata?.namespace);
  const name = String(object.metadata?.name ?? "");
  switch (object.kind) {
    case "VirtualService":
      return validateVirtualService(spec, namespace);
    case "DestinationRule":
      return validateDestinationRule(spec, namespace);
    case "Gateway":
      return validateGateway(spec, name);
    case "EnvoyFilter":
      return validateEnvoyFilter(spec);
    case "Sidecar":
      return validateSidecar(spec);
    case "ServiceEntry":
      return validateServiceEntry(spec, namespace, recordOf(object.metadata?.labels) ?? {});
    case "WorkloadEntry":
      return validateWorkloadEntry(spec);
    case "WorkloadGroup":
      return validateWorkloadGroup(spec);
    case "AuthorizationPolicy":
      return validateAuthorizationPolicy(spec, name, namespace);
    case "PeerAuthentication":
      return validatePeerAuthentication(spec);
    case "RequestAuthentication":
      return validateRequestAuthentication(spec);
    case "Telemetry":
      return validateTelemetry(spec);
    case "WasmPlugin":
      return validateWasmPlugin(spec);
    case "ProxyConfig":
      return validateProxyConfig(spec);
    default:
      return new Messages();
  }
}

/** Messages for one Istio object; none for other APIs. */
export function istioValidation(object: KubeObject): ValidationMessage[] {
  return istioValidationResult(object).list;
}
