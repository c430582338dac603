import type { Rule } from "../../contract/rule.js";
import { annotationAlpha } from "./annotation-alpha.js";
import { annotationDeprecated } from "./annotation-deprecated.js";
import { annotationMisplaced } from "./annotation-misplaced.js";
import { annotationUnknown } from "./annotation-unknown.js";
import { applicationUid1337 } from "./application-uid-1337.js";
import { namespaceInjectionLabels } from "./namespace-injection-labels.js";
import { deploymentServicePortConflict } from "./deployment-service-port-conflict.js";
import { injectionWebhookInvalid } from "./injection-webhook-invalid.js";
import { imageAutoWithoutInjection } from "./image-auto-without-injection.js";
import { jwtClaimRouteWithoutAuthentication } from "./jwt-claim-route-without-authentication.js";
import { authorizationPolicyNoWorkload } from "./authorization-policy-no-workload.js";
import { authorizationPolicyNamespaceNotFound } from "./authorization-policy-namespace-not-found.js";
import { authorizationPolicyMethodInvalid } from "./authorization-policy-method-invalid.js";
import { authorizationPolicyHostNotFound } from "./authorization-policy-host-not-found.js";
import { authorizationPolicyPrincipalNotFound } from "./authorization-policy-principal-not-found.js";
import { authorizationPolicyRequiresMtls } from "./authorization-policy-requires-mtls.js";
import { gatewayCredentialNotFound } from "./gateway-credential-not-found.js";
import { gatewayCredentialInvalid } from "./gateway-credential-invalid.js";
import { proxyImageMismatch } from "./proxy-image-mismatch.js";
import { virtualServiceUnreachableRule } from "./virtualservice-unreachable-rule.js";
import { deprecatedFields } from "./deprecated-fields.js";
import { destinationRuleHostNotFound } from "./destinationrule-host-not-found.js";
import { destinationRuleSubsetSelectsNoPods } from "./destinationrule-subset-selects-no-pods.js";
import { destinationRuleTlsNoCaCertificate } from "./destinationrule-tls-no-ca-certificate.js";
import { envoyFilterPatchOperation } from "./envoyfilter-patch-operation.js";
import { externalControlPlaneWebhook } from "./external-control-plane-webhook.js";
import { gatewayApiCrdVersion } from "./gateway-api-crd-version.js";
import { gatewayConflictingServers } from "./gateway-conflicting-servers.js";
import { gatewayDuplicateCertificate } from "./gateway-duplicate-certificate.js";
import { gatewayPortNotOnService } from "./gateway-port-not-on-service.js";
import { gatewayWorkloadNotFound } from "./gateway-workload-not-found.js";
import { jwksBlockedCidrsMissing } from "./jwks-blocked-cidrs-missing.js";
import { kubernetesGatewayIneffectiveSelector } from "./kubernetes-gateway-ineffective-selector.js";
import { meshNetworksUnknownRegistry } from "./mesh-networks-unknown-registry.js";
import { multiclusterServiceInconsistent } from "./multicluster-service-inconsistent.js";
import { mtlsDestinationRuleConflict } from "./mtls-destinationrule-conflict.js";
import { kialiMtlsConsistency } from "./kiali-mtls-consistency.js";
import { negativeCondition } from "./negative-condition.js";
import { schemaValidation } from "./schema-validation.js";
import { schemaWarning } from "./schema-warning.js";
import { serviceAppProtocolUnknown } from "./service-app-protocol-unknown.js";
import { serviceExternalNamePortName } from "./service-externalname-port-name.js";
import { servicePortNameConvention } from "./service-port-name-convention.js";
import { serviceEntryAddressesRequired } from "./serviceentry-addresses-required.js";
import { serviceEntryConflictingProtocol } from "./serviceentry-conflicting-protocol.js";
import { sidecarIneffectiveInAmbient } from "./sidecar-ineffective-in-ambient.js";
import { sidecarMultipleDefault } from "./sidecar-multiple-default.js";
import { sidecarSelectorConflict } from "./sidecar-selector-conflict.js";
import { sidecarSelectorNotFound } from "./sidecar-selector-not-found.js";
import { sidecarEgressHostNotFound } from "./sidecar-egress-host-not-found.js";
import { destinationRuleMtlsOverridden } from "./destinationrule-mtls-overridden.js";
import { destinationRuleMultipleMatch } from "./destinationrule-multiple-match.js";
import { workloadWithoutAuthorizationPolicy } from "./workload-without-authorization-policy.js";
import { telemetryEmptyProviders } from "./telemetry-empty-providers.js";
import { telemetryFilterUnknownAttribute } from "./telemetry-filter-unknown-attribute.js";
import { telemetryTagExpressionInvalid } from "./telemetry-tag-expression-invalid.js";
import { telemetryMultipleDefault } from "./telemetry-multiple-default.js";
import { telemetrySelectorConflict } from "./telemetry-selector-conflict.js";
import { telemetrySelectorNotFound } from "./telemetry-selector-not-found.js";
import { virtualServiceConflictingMeshHosts } from "./virtualservice-conflicting-mesh-hosts.js";
import { virtualServiceDestinationHostNotFound } from "./virtualservice-destination-host-not-found.js";
import { virtualServiceDestinationPortNotFound } from "./virtualservice-destination-port-not-found.js";
import { virtualServiceDestinationPortRequired } from "./virtualservice-destination-port-required.js";
import { virtualServiceGatewayNotFound } from "./virtualservice-gateway-not-found.js";
import { virtualServiceHostNotInGateway } from "./virtualservice-host-not-in-gateway.js";
import { virtualServiceIngressSubsetIgnored } from "./virtualservice-ingress-subset-ignored.js";
import { virtualServiceInternalGatewayReference } from "./virtualservice-internal-gateway-reference.js";
import { virtualServiceRouteWeights } from "./virtualservice-route-weights.js";
import { virtualServiceRepeatedSubset } from "./virtualservice-repeated-subset.js";
import { sidecarOutboundModeUnset } from "./sidecar-outbound-mode-unset.js";
import { sidecarRootDefaultSelector } from "./sidecar-root-default-selector.js";
import { destinationRuleSubsetWithoutLabels } from "./destinationrule-subset-without-labels.js";
import { exportToNamespaceNotFound } from "./exportto-namespace-not-found.js";
import { serviceEntryDuplicateHostPort } from "./serviceentry-duplicate-host-port.js";
import { workloadGroupServiceAccountMissing } from "./workloadgroup-service-account-missing.js";
import { workloadGroupDuplicateLabels } from "./workloadgroup-duplicate-labels.js";
import { virtualServiceSubsetNotFound } from "./virtualservice-subset-not-found.js";
import { ambientPolicyWithoutWaypoint } from "./ambient-policy-without-waypoint.js";
import { ambientPolicySelectorIgnored } from "./ambient-policy-selector-ignored.js";
import { ambientRouteWithoutWaypoint } from "./ambient-route-without-waypoint.js";
import { ambientRouteOutsideServiceNamespace } from "./ambient-route-outside-service-namespace.js";
import { ambientSidecarConflict } from "./ambient-sidecar-conflict.js";
import { ambientWaypointLabelOutsideAmbient } from "./ambient-waypoint-label-outside-ambient.js";
import { ambientWaypointNotFound } from "./ambient-waypoint-not-found.js";
import { ambientAuthorizationWithoutWaypoint } from "./ambient-authorization-without-waypoint.js";
import { routeGatewayNotFound } from "./route-gateway-not-found.js";
import { routeBackendNotFound } from "./route-backend-not-found.js";
import { kubernetesGatewayListenerConflict } from "./kubernetes-gateway-listener-conflict.js";
import { kubernetesGatewayAddressConflict } from "./kubernetes-gateway-address-conflict.js";
import { kubernetesGatewayClassNotFound } from "./kubernetes-gateway-class-not-found.js";
import { referenceGrantNamespaceNotFound } from "./referencegrant-namespace-not-found.js";

/** Every istio rule, in the order they are documented. */
export const istioRules: Rule[] = [
  virtualServiceDestinationHostNotFound,
  virtualServiceDestinationPortNotFound,
  virtualServiceDestinationPortRequired,
  virtualServiceSubsetNotFound,
  virtualServiceIngressSubsetIgnored,
  virtualServiceGatewayNotFound,
  virtualServiceHostNotInGateway,
  virtualServiceInternalGatewayReference,
  virtualServiceConflictingMeshHosts,
  gatewayWorkloadNotFound,
  gatewayPortNotOnService,
  servicePortNameConvention,
  serviceExternalNamePortName,
  serviceAppProtocolUnknown,
  sidecarSelectorNotFound,
  sidecarEgressHostNotFound,
  destinationRuleMtlsOverridden,
  destinationRuleMultipleMatch,
  workloadWithoutAuthorizationPolicy,
  sidecarSelectorConflict,
  sidecarMultipleDefault,
  sidecarIneffectiveInAmbient,
  telemetrySelectorNotFound,
  telemetrySelectorConflict,
  telemetryMultipleDefault,
  destinationRuleTlsNoCaCertificate,
  serviceEntryAddressesRequired,
  serviceEntryConflictingProtocol,
  destinationRuleHostNotFound,
  destinationRuleSubsetSelectsNoPods,
  envoyFilterPatchOperation,
  gatewayConflictingServers,
  gatewayDuplicateCertificate,
  telemetryEmptyProviders,
  telemetryFilterUnknownAttribute,
  telemetryTagExpressionInvalid,
  deprecatedFields,
  jwksBlockedCidrsMissing,
  gatewayApiCrdVersion,
  meshNetworksUnknownRegistry,
  kubernetesGatewayIneffectiveSelector,
  negativeCondition,
  externalControlPlaneWebhook,
  mtlsDestinationRuleConflict,
  kialiMtlsConsistency,
  virtualServiceRouteWeights,
  virtualServiceRepeatedSubset,
  sidecarRootDefaultSelector,
  sidecarOutboundModeUnset,
  destinationRuleSubsetWithoutLabels,
  exportToNamespaceNotFound,
  serviceEntryDuplicateHostPort,
  workloadGroupServiceAccountMissing,
  workloadGroupDuplicateLabels,
  schemaValidation,
  schemaWarning,
  applicationUid1337,
  namespaceInjectionLabels,
  deploymentServicePortConflict,
  injectionWebhookInvalid,
  imageAutoWithoutInjection,
  jwtClaimRouteWithoutAuthentication,
  authorizationPolicyNoWorkload,
  authorizationPolicyNamespaceNotFound,
  authorizationPolicyMethodInvalid,
  authorizationPolicyHostNotFound,
  authorizationPolicyPrincipalNotFound,
  authorizationPolicyRequiresMtls,
  gatewayCredentialNotFound,
  gatewayCredentialInvalid,
  proxyImageMismatch,
  virtualServiceUnreachableRule,
  annotationUnknown,
  annotationMisplaced,
  annotationDeprecated,
  annotationAlpha,
  multiclusterServiceInconsistent,
  ambientPolicyWithoutWaypoint,
  ambientPolicySelectorIgnored,
  ambientRouteWithoutWaypoint,
  ambientRouteOutsideServiceNamespace,
  ambientSidecarConflict,
  ambientWaypointLabelOutsideAmbient,
  ambientWaypointNotFound,
  ambientAuthorizationWithoutWaypoint,
  routeGatewayNotFound,
  routeBackendNotFound,
  kubernetesGatewayListenerConflict,
  kubernetesGatewayAddressConflict,
  kubernetesGatewayClassNotFound,
  referenceGrantNamespaceNotFound,
];
