import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";
import type { CertificateFacts } from "../view/secrets.js";
import { gatewayPods, gatewayServers } from "./gateways.js";
import { namespaceOf, recordOf } from "../k8s/objects.js";

export interface GatewayCredential {
  gateway: KubeObject;
  serverIndex: number;
  name: string;
  /** The namespace the gateway pods read Secrets from. */
  namespace: string;
}

/** Every `tls.credentialName` of a Gateway, with the namespace its pods look the Secret up in. */
export function gatewayCredentials(view: ClusterView, gateway: KubeObject): GatewayCredential[] {
  const pods = gatewayPods(view, gateway);
  const namespace = pods[0]?.namespace ?? namespaceOf(gateway);
  return gatewayServers(gateway).flatMap((server) => {
    const name = server.tls?.credentialName;
    return typeof name === "string" && name !== "" ? [{ gateway, serverIndex: server.index, name, namespace }] : [];
  });
}

/** Whether the inputs say anything about Secrets (a live cluster or a snapshot lists them; manifests often do not). */
export function secretsKnown(view: ClusterView): boolean {
  return view.kind("Secret").length > 0 || view.kind("Certificate").length > 0;
}

/** The Secret a credential names, or the cert-manager Certificate that will create it. */
export function credentialSource(view: ClusterView, credential: GatewayCredential): KubeObject | undefined {
  const secret = view.get("Secret", credential.namespace || undefined, credential.name) ?? view.get("Secret", credential.namespace, credential.name);
  if (secret) return secret;
  return view.kind("Certificate").find((certificate) => namespaceOf(certificate) === credential.namespace && recordOf(certificate.spec)?.secretName === credential.name);
}

/** What is wrong with a TLS credential Secret for a gateway, if anything. */
export function credentialProblem(secret: KubeObject, now: Date): string | undefined {
  if (secret.kind !== "Secret") return undefined;
  const keys = new Set(Object.keys(secret.data ?? {}));
  const pair = keys.has("tls.crt") && keys.has("tls.key") ? "tls.crt" : keys.has("cert") && keys.has("key") ? "cert" : undefined;
  if (!pair) return `it holds ${[...keys].join(", ") || "no keys"}, not tls.crt and tls.key (or cert and key)`;
  const certificates = (secret as { certificates?: unknown }).certificates;
  const facts = Array.isArray(certificates) ? (certificates as CertificateFacts[]).find((item) => item?.key === pair) : undefined;
  if (facts && !facts.parsed) return `${pair} is not a PEM X.509 certificate`;
  if (facts?.notAfter && Date.parse(facts.notAfter) < now.getTime()) return `the certificate (${facts.subject ?? pair}) expired on ${facts.notAfter}`;
  if (facts?.notBefore && Date.parse(facts.notBefore) > now.getTime()) return `the certificate (${facts.subject ?? pair}) is not valid before ${facts.notBefore}`;
  return undefined;
}
