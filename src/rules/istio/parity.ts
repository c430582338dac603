/**
 * The istioctl analyzer each istio rule mirrors (as Istio names it in its own
 * test suite). Rules not listed here go beyond istioctl.
 */
export const ISTIO_ANALYZER_OF_RULE: Record<string, string> = {
  "istio/virtualservice-destination-host-not-found": "virtualservice.DestinationHostAnalyzer",
  "istio/virtualservice-destination-port-not-found": "virtualservice.DestinationHostAnalyzer",
  "istio/virtualservice-destination-port-required": "virtualservice.DestinationHostAnalyzer",
  "istio/virtualservice-ingress-subset-ignored": "virtualservice.DestinationHostAnalyzer",
  "istio/virtualservice-subset-not-found": "virtualservice.DestinationRuleAnalyzer",
  "istio/virtualservice-gateway-not-found": "virtualservice.GatewayAnalyzer",
  "istio/virtualservice-host-not-in-gateway": "virtualservice.GatewayAnalyzer",
  "istio/virtualservice-internal-gateway-reference": "virtualservice.GatewayAnalyzer",
  "istio/virtualservice-conflicting-mesh-hosts": "virtualservice.ConflictingMeshGatewayHostsAnalyzer",
  "istio/gateway-workload-not-found": "gateway.IngressGatewayPortAnalyzer",
  "istio/gateway-port-not-on-service": "gateway.IngressGatewayPortAnalyzer",
  "istio/service-port-name-convention": "service.PortNameAnalyzer",
  "istio/service-externalname-port-name": "service.PortNameAnalyzer",
  "istio/sidecar-selector-not-found": "sidecar.SelectorAnalyzer",
  "istio/sidecar-selector-conflict": "sidecar.SelectorAnalyzer",
  "istio/sidecar-multiple-default": "sidecar.SelectorAnalyzer",
  "istio/sidecar-ineffective-in-ambient": "sidecar.SelectorAnalyzer",
  "istio/telemetry-selector-not-found": "telemetry.SelectorAnalyzer",
  "istio/telemetry-selector-conflict": "telemetry.SelectorAnalyzer",
  "istio/telemetry-multiple-default": "telemetry.DefaultSelectorAnalyzer",
  "istio/destinationrule-tls-no-ca-certificate": "destinationrule.CaCertificateAnalyzer",
  "istio/serviceentry-addresses-required": "serviceentry.ProtocolAddressesAnalyzer",
  "istio/serviceentry-conflicting-protocol": "serviceentry.ConflictingServiceEntryProtocolAnalyzer",
  "istio/destinationrule-host-not-found": "destinationrule.PodNotSelectedAnalyzer",
  "istio/destinationrule-subset-selects-no-pods": "destinationrule.PodNotSelectedAnalyzer",
  "istio/envoyfilter-patch-operation": "envoyfilter.EnvoyPatchAnalyzer",
  "istio/gateway-conflicting-servers": "gateway.ConflictingGatewayAnalyzer",
  "istio/gateway-duplicate-certificate": "gateway.CertificateAnalyzer",
  "istio/telemetry-empty-providers": "telemetry.ProviderAnalyzer",
  "istio/jwks-blocked-cidrs-missing": "authn.BlockedCIDRsAnalyzer",
  "istio/gateway-api-crd-version": "k8sgateway.CRDVersionAnalyzer",
  "istio/mesh-networks-unknown-registry": "multicluster.MeshNetworksAnalyzer",
  "istio/kubernetes-gateway-ineffective-selector": "k8sgateway.SelectorAnalyzer",
  "istio/negative-condition": "conditions.ConditionAnalyzer",
  "istio/external-control-plane-webhook": "externalcontrolplane.ExternalControlPlaneAnalyzer",
  "istio/application-uid-1337": "deployment.ApplicationUIDAnalyzer",
  "istio/namespace-injection-labels": "injection.Analyzer",
  "istio/deployment-service-port-conflict": "deployment.ServiceAssociationAnalyzer",
  "istio/injection-webhook-invalid": "webhook.Analyzer",
  "istio/image-auto-without-injection": "injection.ImageAutoAnalyzer",
  "istio/jwt-claim-route-without-authentication": "virtualservice.JWTClaimRouteAnalyzer",
  "istio/authorization-policy-no-workload": "authz.AuthorizationPoliciesAnalyzer",
  "istio/authorization-policy-namespace-not-found": "authz.AuthorizationPoliciesAnalyzer",
  "istio/gateway-credential-not-found": "gateway.SecretAnalyzer",
  "istio/gateway-credential-invalid": "gateway.SecretAnalyzer",
  "istio/proxy-image-mismatch": "injection.ImageAnalyzer",
  "istio/virtualservice-unreachable-rule": "schemaValidation.CollectionValidationAnalyzer(collections.VirtualService)",
  "istio/annotation-unknown": "annotations.K8sAnalyzer",
  "istio/annotation-misplaced": "annotations.K8sAnalyzer",
  "istio/annotation-deprecated": "annotations.K8sAnalyzer",
  "istio/annotation-alpha": "maturity.AlphaAnalyzer",
  "istio/multicluster-service-inconsistent": "multicluster.ServiceAnalyzer",
};

/**
 * Codes of a rule that another istioctl analyzer gives: the rule's finding carries them because
 * they come from the same defect (a Gateway without servers is IST0106 from schema validation and
 * IST0101 from the conflicting-gateway analyzer).
 */
export const ISTIO_ANALYZER_OF_CODE: Record<string, Record<string, string>> = {
  "istio/schema-validation": { IST0101: "gateway.ConflictingGatewayAnalyzer" },
};
