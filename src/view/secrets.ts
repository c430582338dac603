import type { KubeObject } from "../model/kube.js";

/** What a certificate in a Secret says, kept after its value is dropped (no key material, no PEM). */
export interface CertificateFacts {
  /** The Secret key that held it (`tls.crt`, `cert`, `ca.crt`). */
  key: string;
  /** Whether the value parsed as a PEM X.509 certificate. */
  parsed: boolean;
  notBefore?: string;
  notAfter?: string;
  subject?: string;
  /** DNS names of the subjectAltName extension. */
  dnsNames?: string[];
}

const CERTIFICATE_KEYS = ["tls.crt", "cert", "ca.crt", "cacert"];

/** Facts about the certificates a Secret holds, read before its values are dropped. */
export function certificateFacts(secret: KubeObject): CertificateFacts[] {
  const facts: CertificateFacts[] = [];
  const sources: Array<[Record<string, unknown> | undefined, boolean]> = [
    [secret.data as Record<string, unknown> | undefined, true],
    [secret.stringData as Record<string, unknown> | undefined, false],
  ];
  for (const [data, base64] of sources) {
    if (!data || typeof data !== "object") continue;
    for (const key of CERTIFICATE_KEYS) {
      const value = data[key];
      if (typeof value !== "string" || value === "") continue;
      const text = base64 ? Buffer.from(value, "base64").toString("utf8") : value;
      try {
        // node:crypto loads here, not at start-up: only Secrets holding certificates need it.
        const certificate = new (process.getBuiltinModule("node:crypto").X509Certificate)(text);
        const dnsNames = (certificate.subjectAltName ?? "")
          .split(",")
          .map((item) => item.trim())
          .filter((item) => item.startsWith("DNS:"))
          .map((item) => item.slice(4));
        facts.push({ key, parsed: true, notBefore: new Date(certificate.validFrom).toISOString(), notAfter: new Date(certificate.validTo).toISOString(), subject: certificate.subject.replace(/\n/g, ", "), dnsNames });
      } catch {
        facts.push({ key, parsed: false });
      }
    }
  }
  return facts;
}

/** A Secret with every value replaced by an empty string: names and keys only ever leave this point. */
export function stripSecretValues(secret: KubeObject): KubeObject {
  const blank = (data: unknown): Record<string, string> | undefined => {
    if (!data || typeof data !== "object") return undefined;
    return Object.fromEntries(Object.keys(data as object).map((key) => [key, ""]));
  };
  const stripped: KubeObject = { ...secret, metadata: { ...secret.metadata } };
  const certificates = certificateFacts(secret);
  if (certificates.length > 0) stripped.certificates = certificates;
  const data = blank(secret.data);
  const stringData = blank(secret.stringData);
  delete stripped.data;
  delete stripped.stringData;
  if (data || stringData) stripped.data = { ...(data ?? {}), ...(stringData ?? {}) };
  const annotations = stripped.metadata.annotations;
  if (annotations && "kubectl.kubernetes.io/last-applied-configuration" in annotations) {
    const { ["kubectl.kubernetes.io/last-applied-configuration"]: _dropped, ...rest } = annotations;
    stripped.metadata.annotations = rest;
  }
  return stripped;
}

/** Keys a Secret or ConfigMap holds (data, binaryData, stringData). */
export function keysOf(object: KubeObject): string[] {
  return [
    ...Object.keys(object.data ?? {}),
    ...Object.keys((object as { binaryData?: object }).binaryData ?? {}),
    ...Object.keys(object.stringData ?? {}),
  ];
}
