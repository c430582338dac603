import type { KubeObject } from "../model/kube.js";
import type { ClusterView } from "../view/cluster-view.js";

/** The Service a mesh host names: `orders`, `orders.shop`, `orders.shop.svc`, `orders.shop.svc.cluster.local`. */
export function serviceForHost(view: ClusterView, host: string, fromNamespace: string): KubeObject | undefined {
  const parts = host.split(".");
  if (parts.length === 1) return view.get("Service", fromNamespace, host);
  const suffix = parts.slice(2).join(".");
  if (parts.length === 2 || suffix === "svc" || suffix.startsWith("svc.")) return view.get("Service", parts[1], parts[0]!);
  return undefined;
}
