import { defineRule } from "../../contract/rule.js";
import { reportIstio, kubectl } from "./finding.js";
import { arrayOf, nameOf, recordOf, refOf } from "../../k8s/objects.js";

const IP_HOST = /^(?:\d{1,3}\.){3}\d{1,3}$|^\[?[0-9a-f:]+\]?$/i;

function isIstioWebhookConfig(name: string): boolean {
  return name.startsWith("istio-sidecar-injector") || name.startsWith("istio-validator") || name.startsWith("istiod-");
}

export const externalControlPlaneWebhook = defineRule({
  id: "istio/external-control-plane-webhook",
  category: "sidecar-istiod-unreachable",
  severity: "warning",
  title: "External control plane webhook URL is blank or an IP address",
  docs: {
    cause: "With an external control plane, the injection and validation webhooks reach istiod by `clientConfig.url`. A blank URL means pods are admitted without injection (or validation fails); an IP address breaks as soon as the gateway in front of istiod gets a new address, and its certificate rarely covers the IP.",
    fix: "Set the URL to the external istiod's hostname: `https://<istiod-host>:15017/inject/cluster/<cluster>/net/<network>` (and `/validate`).",
    verify: ["kubectl get mutatingwebhookconfiguration -o jsonpath='{..clientConfig.url}'", "istioctl analyze"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0163/", "https://istio.io/latest/docs/setup/install/external-controlplane/"],
  },
  equivalents: ["IST0163", "IST0164"],
  inputs: ["manifests"],
  reads: ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
  scopes: ["lint", "diagnose"],
  messages: {
    "invalid-url": "{config} webhook {webhook} has an invalid URL \"{url}\"",
    "blank-url": "{config} webhook {webhook} has a blank URL",
    "ip-address": "{config} webhook {webhook} reaches istiod by IP address {host}",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
      for (const config of view.kind(kind)) {
        if (!isIstioWebhookConfig(nameOf(config))) continue;
        arrayOf<Record<string, unknown>>(config.webhooks).forEach((webhook, index) => {
          const clientConfig = recordOf(webhook?.clientConfig);
          if (!clientConfig || !("url" in clientConfig)) return;
          const url = typeof clientConfig.url === "string" ? clientConfig.url.trim() : "";
          const webhookName = String(webhook?.name ?? "");
          let host = "";
          try {
            host = url ? new URL(url).hostname : "";
          } catch {
            host = "";
          }
          const path = ["webhooks", index, "clientConfig", "url"];
          if (!url || !host) {
            reportIstio(this, ctx, {
              object: config,
              code: "IST0163",
              args: [url, webhookName, "is blank"],
              path,
              ...(url
                ? { message: "invalid-url", data: { config: refOf(config), webhook: webhookName, url } }
                : { message: "blank-url", data: { config: refOf(config), webhook: webhookName } }),
              cause: "The API server cannot call a webhook without a URL: sidecar injection or config validation through the external istiod does not happen.",
              fix: { description: "Set the URL to the external istiod's hostname.", commands: [kubectl("edit", config)] },
              verify: [kubectl("get", config, "-o jsonpath='{..clientConfig.url}'")],
            });
          } else if (IP_HOST.test(host)) {
            reportIstio(this, ctx, {
              object: config,
              code: "IST0164",
              args: [host, webhookName],
              path,
              message: "ip-address",
              data: { config: refOf(config), webhook: webhookName, host },
              cause: "An IP address changes when the gateway in front of the external istiod is recreated, and the serving certificate seldom covers it.",
              fix: { description: "Use a DNS name for the external istiod.", commands: [kubectl("edit", config)] },
              verify: [kubectl("get", config, "-o jsonpath='{..clientConfig.url}'")],
            });
          }
        });
      }
    }
  },
});
