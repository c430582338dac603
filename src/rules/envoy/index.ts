import type { Rule } from "../../contract/rule.js";
import { accessLoggingOff } from "./access-logging-off.js";
import { blackholeTraffic } from "./blackhole-traffic.js";
import { downstreamDisconnect } from "./downstream-disconnect.js";
import { missingCluster } from "./missing-cluster.js";
import { noHealthyUpstream } from "./no-healthy-upstream.js";
import { noRoute } from "./no-route.js";
import { proxyStatusStale } from "./proxy-status-stale.js";
import { proxySubscriptionsMissing } from "./proxy-subscriptions-missing.js";
import { proxySyncStateUnknown } from "./proxy-sync-state-unknown.js";
import { proxyVersionSkew } from "./proxy-version-skew.js";
import { rbacOrAuthnDenied } from "./rbac-or-authn-denied.js";
import { slowUpstreamHost } from "./slow-upstream-host.js";
import { upstreamConnectionFailure } from "./upstream-connection-failure.js";
import { upstreamTimeout } from "./upstream-timeout.js";

/** Every envoy rule, in the order they are documented. */
export const envoyRules: Rule[] = [
  proxyStatusStale,
  proxySubscriptionsMissing,
  proxySyncStateUnknown,
  proxyVersionSkew,
  missingCluster,
  upstreamTimeout,
  slowUpstreamHost,
  noHealthyUpstream,
  noRoute,
  upstreamConnectionFailure,
  downstreamDisconnect,
  rbacOrAuthnDenied,
  blackholeTraffic,
  accessLoggingOff,
];
