import type { PodDescription } from "../queries/describe-pod.js";

const RULE = "--------------------";

/** The description in the layout of `istioctl x describe pod`, with what each resource does to a request. */
export function describeText(description: PodDescription): string {
  const { pod } = description;
  const lines: string[] = [`Pod: ${pod.name}`, `   Namespace: ${pod.namespace}`];
  if (pod.revision) lines.push(`   Pod Revision: ${pod.revision}`);
  lines.push(`   Mesh: ${pod.mesh}`);
  lines.push(`   Pod Ports: ${pod.ports.length ? pod.ports.map((port) => `${port.port}${port.name ? `/${port.name}` : ""} (${port.container})`).join(", ") : "none declared"}`);
  for (const service of description.services) {
    lines.push(RULE, `Service: ${service.name}`);
    for (const port of service.ports) {
      lines.push(`   Port: ${port.name ? `${port.name} ` : ""}${port.port}/${port.protocol} targets pod port ${port.podPort ?? port.targetPort}${port.matchesPod ? "" : " (the pod declares no such port)"}`);
    }
    if (service.destinationRules.length === 0) lines.push("   DestinationRule: none (default traffic policy; no subsets)");
    for (const rule of service.destinationRules) {
      lines.push(`   DestinationRule: ${rule.name}.${rule.namespace} for "${service.host}"`);
      if (rule.subsets.length) lines.push(`      Matching subsets: ${rule.subset ?? "none"}${rule.subsets.length ? `   (Non-matching subsets ${rule.subsets.filter((name) => name !== rule.subset).join(",") || "none"})` : ""}`);
      lines.push(`      ${rule.trafficPolicy.length ? `Traffic Policy: ${rule.trafficPolicy.join(", ")}` : "No Traffic Policy"}`);
      if (rule.subsetPolicy.length) lines.push(`      Subset ${rule.subset} policy: ${rule.subsetPolicy.join(", ")}`);
    }
    if (service.virtualServices.length === 0) lines.push("   VirtualService: none (requests go to every ready pod of the Service)");
    for (const vs of service.virtualServices) {
      lines.push(`   VirtualService: ${vs.name}.${vs.namespace}${vs.gateways.some((gateway) => gateway !== "mesh") ? ` (gateways: ${vs.gateways.join(", ")})` : ""}`);
      for (const route of vs.routes) lines.push(`      ${route}`);
      if (!vs.reachesPod) lines.push("      None of its routes reaches this pod: they go to subsets the pod is not in, or that no DestinationRule defines.");
      for (const exposed of vs.exposedOn) lines.push(`      Exposed on ${exposed}`);
      for (const problem of vs.problems) lines.push(`      WARNING: ${problem}`);
    }
  }
  const pa = description.peerAuthentication;
  lines.push(RULE, "Effective PeerAuthentication:", `   Workload mTLS mode: ${pa.mode}${pa.source ? ` (${pa.scope} policy ${pa.source})` : ` (${pa.scope})`}`);
  for (const port of pa.ports) if (port.mode !== pa.mode || port.source !== pa.source) lines.push(`   Port ${port.port}: ${port.mode}${port.source ? ` (${port.source})` : ""}`);
  lines.push(`   ${pa.mode === "STRICT" ? "Only mTLS from sidecars is accepted: a client without a sidecar is reset (connection reset, 503 UC/UF)." : pa.mode === "DISABLE" ? "Plaintext only: mTLS from other sidecars is not terminated here." : "mTLS and plaintext are both accepted."}`);
  lines.push(RULE, "AuthorizationPolicies that apply to this pod");
  for (const policy of description.authorization.policies) {
    lines.push(`   ${policy.action} ${policy.namespace}/${policy.name} (${policy.scope}): ${policy.effect}`);
    for (const rule of policy.rules.slice(0, 10)) lines.push(`      rule: ${rule}`);
  }
  lines.push(`   Decision: ${description.authorization.verdict}`);
  for (const note of description.notes) lines.push(`Note: ${note}`);
  return `${lines.join("\n")}\n`;
}
