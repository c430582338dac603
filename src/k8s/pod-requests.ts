import type { Workload } from "./workloads.js";
import { containersOf } from "./pod-templates.js";
import { effectiveRequest, type ResourceName } from "./resources.js";

/** What the scheduler reserves for one pod: the sum of app containers, or the largest init container if that is more. */
export function podRequest(workload: Workload, name: ResourceName): number {
  let apps = 0;
  let init = 0;
  for (const ref of containersOf(workload)) {
    const value = effectiveRequest(ref.container, name) ?? 0;
    if (ref.init) init = Math.max(init, value);
    else apps += value;
  }
  return Math.max(apps, init);
}
