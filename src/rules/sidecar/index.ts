import type { Rule } from "../../contract/rule.js";
import { allowAnyOutboundInProduction } from "./allow-any-outbound-in-production.js";
import { appStartsBeforeSidecar } from "./app-starts-before-sidecar.js";
import { istioInitFailure } from "./istio-init-failure.js";
import { istiodUnreachable } from "./istiod-unreachable.js";
import { localNodePort } from "./local-node-port.js";
import { mtlsModeConflict } from "./mtls-mode-conflict.js";
import { networkPolicyBlocksMesh } from "./network-policy-blocks-mesh.js";
import { networkPolicyBlocksScraping } from "./network-policy-blocks-scraping.js";
import { outboundRegistryOnly } from "./outbound-registry-only.js";
import { permissiveMtlsInProduction } from "./permissive-mtls-in-production.js";
import { proxyConfigError } from "./proxy-config-error.js";
import { proxyCpuStarved } from "./proxy-cpu-starved.js";
import { proxyNotReady } from "./proxy-not-ready.js";
import { proxyOomKilled } from "./proxy-oom-killed.js";
import { proxyPortConflict } from "./proxy-port-conflict.js";
import { sidecarNotInjected } from "./sidecar-not-injected.js";

/** Every sidecar rule, in the order they are documented. */
export const sidecarRules: Rule[] = [
  proxyPortConflict,
  proxyOomKilled,
  proxyCpuStarved,
  istiodUnreachable,
  networkPolicyBlocksMesh,
  networkPolicyBlocksScraping,
  proxyConfigError,
  istioInitFailure,
  sidecarNotInjected,
  proxyNotReady,
  appStartsBeforeSidecar,
  mtlsModeConflict,
  permissiveMtlsInProduction,
  outboundRegistryOnly,
  allowAnyOutboundInProduction,
  localNodePort,
];
