import type { Fix } from "../../model/finding.js";
import { logsCommand, podCauseRule, restartVerify, type FixContext } from "./pod-rule.js";
import { logLineDetectors } from "./causes/detectors.js";

function kind(context: FixContext): "expired" | "authority" | "hostname" | "clock" {
  const text = context.d.cause.match?.text ?? "";
  if (/expired|not yet valid|NotAfter|NotBefore|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/i.test(text)) return "expired";
  if (/skew|before issued|RequestTimeTooSkewed/i.test(text)) return "clock";
  if (/valid for|ALTNAME/i.test(text)) return "hostname";
  return "authority";
}

function fix(context: FixContext): Fix {
  const what = kind(context);
  const n = context.names;
  switch (what) {
    case "expired":
      return { description: "A certificate is outside its validity window: renew the expired certificate (or, if it is 'not yet valid', fix the clock of the node or machine that issued it)", commands: [`kubectl get secret${n.ns} --field-selector type=kubernetes.io/tls`, "openssl x509 -noout -dates -in tls.crt", "kubectl debug node/<NODE> -it --image=busybox:1.36 -- date -u"] };
    case "clock":
      return { description: "Clocks disagree between this node and the peer: enable time sync on the node (chrony/NTP)", commands: ["kubectl debug node/<NODE> -it --image=busybox:1.36 -- date -u", "chronyc tracking   # on the node"] };
    case "hostname":
      return { description: "The server's certificate does not name the host the app connects to: connect with a name in its SANs or reissue the certificate", commands: ["openssl s_client -connect <HOST>:443 -servername <HOST> </dev/null | openssl x509 -noout -ext subjectAltName"] };
    default:
      return { description: "The app does not trust the issuer of the server's certificate: mount the CA bundle (ConfigMap/Secret) and point the runtime at it (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS, a Java truststore), or install ca-certificates in the image", commands: ["openssl s_client -connect <HOST>:443 -showcerts </dev/null", logsCommand(n)] };
  }
}

/** The finding's summary, by the reading that names the cause: each gives the data its message takes. */
const messages = {
  "logged-crash": "{container} crashes: {line}",
  "logged-while-running": "{container} runs, but its log shows it failing: {line}",
};

export const tlsOrClockError = podCauseRule({
  id: "pod/tls-or-clock-error",
  messages,
  category: "tls-or-clock-error",
  detectors: [
    ...logLineDetectors("tls-or-clock-error", messages, ["logged-crash", "logged-while-running"]),
  ],
  title: "Certificate expired or not trusted, or clock skew",
  docs: {
    cause: "A TLS check fails at start-up: a certificate has expired or is not yet valid (often clock skew on a node), is signed by an authority the app does not trust (missing CA bundle or ca-certificates in the image), or does not name the host; token checks fail on clock skew too.",
    fix: "Renew the certificate, mount the right CA bundle, install ca-certificates in the image, or fix node time sync.",
    verify: ["openssl x509 -noout -dates -in <CERT>", "kubectl debug node/<NODE> -it --image=busybox:1.36 -- date -u", "kubectl logs <POD> -c <CONTAINER> --previous"],
    references: ["https://kubernetes.io/docs/tasks/tls/managing-tls-in-a-cluster/"],
  },
  equivalents: [],
  explain: (context) => `A TLS or clock check fails at start-up (${kind(context)})${context.d.cause.match ? `: ${context.d.cause.match.text.trim().slice(0, 200)}` : ""}.`,
  fix,
  verify: (n) => [logsCommand(n), ...restartVerify(n)],
});
