import type { ConfigDump } from "../envoy/config-dump.js";
import type { AllFilters } from "../envoy/proxy-config.js";
import { bootstrapSummary, clusterTable, ecdsTable, endpointTable, fullSummary, listenerTable, routeTable, secretTable } from "./proxy-config-tables.js";
import type { ProxyConfigTable } from "../queries/proxy-config.js";

/** One proxy-config table as istioctl prints it. */
export function proxyConfigText(dump: ConfigDump, table: ProxyConfigTable, filters: AllFilters, options: { withHeaders: boolean }): string {
  switch (table) {
    case "cluster":
      return clusterTable(dump, filters.cluster);
    case "listener":
      return listenerTable(dump, filters.listener);
    case "route":
      return routeTable(dump, filters.route);
    case "endpoint":
      return endpointTable(dump, filters.endpoint);
    case "secret":
      return secretTable(dump);
    case "ecd":
      return ecdsTable(dump);
    case "bootstrap":
      return bootstrapSummary(dump);
    case "all":
      return fullSummary(dump, filters, { withHeaders: options.withHeaders });
  }
}
