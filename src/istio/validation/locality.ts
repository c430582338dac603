/**
 * What Istio's validation rejects in a DestinationRule's locality load balancing
 * (`localityLbSetting`, `zoneAwareLbSetting`;
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting).
 * The warning for failover without outlier detection is istio/schema-warning's.
 */
import { arrayOf, recordOf } from "../../k8s/objects.js";
import type { FieldPath, Messages, Spec } from "./common.js";

const TOPOLOGY_LABELS = new Set(["topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone"]);
const str = (value: unknown): string => (typeof value === "string" ? value : "");

export function localityLbSetting(out: Messages, setting: Spec, path: FieldPath): void {
  const distribute = arrayOf<unknown>(setting.distribute).map((entry) => recordOf(entry) ?? {});
  const failover = arrayOf<unknown>(setting.failover).map((entry) => recordOf(entry) ?? {});
  const priority = arrayOf<unknown>(setting.failoverPriority).map(str);
  if (distribute.length > 0 && failover.length > 0) return out.error(path, "can not simultaneously specify 'distribute' and 'failover'");
  if (failover.length > 0) {
    const label = priority.find((name) => TOPOLOGY_LABELS.has(name));
    if (label) return out.error([...path, "failoverPriority"], `can not simultaneously set 'failover' and topology label '${label}' in 'failover_priority'`);
  }
  for (const [index, entry] of distribute.entries()) {
    const at = [...path, "distribute", index];
    const weights = Object.entries(recordOf(entry.to) ?? {});
    if (weights.some(([, weight]) => typeof weight !== "number" || weight <= 0 || weight > 100)) return out.error([...at, "to"], "locality weight must be in range [1, 100]");
    const total = weights.reduce((sum, [, weight]) => sum + Number(weight), 0);
    if (total !== 100) return out.error([...at, "to"], `total locality weight ${total} != 100`);
    const problem = localitiesProblem(weights.map(([locality]) => locality));
    if (problem) out.error([...at, "to"], problem);
  }
  const sources = localitiesProblem(distribute.map((entry) => str(entry.from)));
  if (sources) out.error([...path, "distribute"], sources);
  failoverRegions(out, failover, [...path, "failover"], "locality lb failover settings must specify different regions", "locality lb failover only specify region", "locality lb failover region should not contain '*' wildcard");
}

export function zoneAwareLbSetting(out: Messages, setting: Spec, path: FieldPath): void {
  for (const label of arrayOf<unknown>(setting.failoverPriority).map(str)) {
    if (TOPOLOGY_LABELS.has(label)) out.error([...path, "failoverPriority"], `'failover_priority' for zone aware lb must not use topology label '${label}'; region- and zone-level routing are handled automatically`);
  }
  const failover = arrayOf<unknown>(setting.failover).map((entry) => recordOf(entry) ?? {});
  failoverRegions(out, failover, [...path, "failover"], "zone aware lb failover settings must specify different regions", "zone aware lb failover only specifies region; zone and subzone failover are handled automatically", "zone aware lb failover region should not contain '*' wildcard");
}

function failoverRegions(out: Messages, failover: Spec[], path: FieldPath, same: string, regionOnly: string, wildcard: string): void {
  failover.forEach((entry, index) => {
    const [from, to] = [str(entry.from), str(entry.to)];
    if (from === to) out.error([...path, index], same);
    if (from.includes("/") || to.includes("/")) out.error([...path, index], regionOnly);
    if (from.includes("*") || to.includes("*")) out.error([...path, index], wildcard);
  });
}

/** Istio's validateLocalities: `region[/zone[/subzone]]`, one `*` at the end, no locality covered by one before it. */
function localitiesProblem(localities: string[]): string | undefined {
  const regions = new Map<string, Map<string, Set<string>>>();
  for (const locality of localities) {
    const stars = locality.split("*").length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith("*"))) return `locality ${locality} wildcard '*' number can not exceed 1 and must be in the end`;
    const overlap = `locality ${locality} overlap with previous specified ones`;
    if (regions.has("*")) return overlap;
    const items = splitN(locality, "/", 3);
    if (items.some((item) => item === "")) return `locality ${locality} must not contain empty region/zone/subzone info`;
    const [region, zone, subzone] = items as [string, string?, string?];
    const zones = regions.get(region);
    if (zone === undefined) {
      if (zones) return overlap;
      regions.set(region, new Map([["*", new Set(["*"])]]));
    } else if (subzone === undefined) {
      if (zones?.has("*") || zones?.has(zone)) return overlap;
      if (zones) zones.set(zone, new Set(["*"]));
      else regions.set(region, new Map([[zone, new Set(["*"])]]));
    } else {
      if (zones?.has("*")) return overlap;
      const subzones = zones?.get(zone);
      if (subzones?.has("*") || subzones?.has(subzone)) return overlap;
      if (subzones) subzones.add(subzone);
      else if (zones) zones.set(zone, new Set([subzone]));
      else regions.set(region, new Map([[zone, new Set([subzone])]]));
    }
  }
  return undefined;
}

/** Go's strings.SplitN. */
function splitN(value: string, separator: string, count: number): string[] {
  const parts = value.split(separator);
  return parts.length <= count ? parts : [...parts.slice(0, count - 1), parts.slice(count - 1).join(separator)];
}
