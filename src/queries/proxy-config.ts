import type { ConfigDump } from "../envoy/config-dump.js";
import { clusterMatches, listenerMatches, type AllFilters } from "../envoy/proxy-config.js";
import { redactEnvoyDump } from "../envoy/redact-dump.js";

/** The tables `envoy config` shows, as istioctl proxy-config names them (singular). */
export const PROXY_CONFIG_TABLES = ["cluster", "listener", "route", "endpoint", "secret", "ecd", "bootstrap", "all"] as const;
export type ProxyConfigTable = (typeof PROXY_CONFIG_TABLES)[number];

export function isProxyConfigTable(kind: string): kind is ProxyConfigTable {
  return (PROXY_CONFIG_TABLES as readonly string[]).includes(kind);
}

/**
 * The part of a config dump one table shows, as Envoy wrote it and filtered as the table is
 * (secrets by name and state only), with secret material redacted; undefined when the dump has no
 * such section.
 */
export function proxyConfigSection(dump: ConfigDump, table: ProxyConfigTable, filters: AllFilters): unknown {
  const section = (): unknown => {
    switch (table) {
      case "cluster":
        return dump.clusters().filter((cluster) => clusterMatches(cluster.name, filters.cluster ?? {})).map((cluster) => cluster.raw);
      case "listener":
        return dump.listeners().filter((listener) => listenerMatches(listener.raw, filters.listener ?? {})).map((listener) => listener.raw);
      case "route":
        return dump.routeConfigs().filter((config) => !filters.route?.name || config.name === filters.route.name).map((config) => config.raw);
      case "endpoint":
        return dump.endpoints().filter((cla) => !filters.endpoint?.cluster || cla.clusterName === filters.endpoint.cluster).map((cla) => cla.raw);
      case "secret":
        return dump.secrets().map((secret) => ({ name: secret.name, state: secret.state, versionInfo: secret.versionInfo }));
      case "ecd":
        return dump.ecdsFilters();
      case "bootstrap":
        return dump.section("BootstrapConfigDump")[0];
      case "all":
        return dump.document();
    }
  };
  const chosen = section();
  return chosen === undefined ? undefined : redactEnvoyDump(chosen);
}
