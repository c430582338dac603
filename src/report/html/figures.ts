import type { Report } from "../report.js";
import type { ClusterView } from "../../view/cluster-view.js";
import { appliedNamespace } from "../../model/namespace.js";
import { eventFigure, timedEvents } from "./events.js";
import { podRestartTimelines, restartFigure } from "./restarts.js";
import { own } from "./escape.js";

/** Pods pictured per incident; the others are named. */
export const PODS_PICTURED = 3;
/** Incidents that get pictures, most urgent first: a report on a large cluster stays a few MB. */
export const INCIDENTS_PICTURED = 150;

/** Per incident: each pictured pod's restart timeline (per restarted container) and event timeline. */
export function incidentFigures(view: ClusterView, report: Report): Map<number, string> {
  const figures = new Map<number, string>();
  const now = report.now.getTime();
  let pictured = 0;
  for (const incident of report.incidents ?? []) {
    if (incident.repeated || incident.pods.length === 0) continue;
    if (pictured >= INCIDENTS_PICTURED) break;
    const namespace = incident.resource.namespace;
    const parts: string[] = [];
    for (const name of incident.pods.slice(0, PODS_PICTURED)) {
      const pod = view.get("Pod", namespace, name);
      const events = view.eventsFor("Pod", namespace, name);
      if (pod) for (const timeline of podRestartTimelines(pod, events, now)) parts.push(restartFigure(timeline));
      parts.push(eventFigure(appliedNamespace(namespace), name, timedEvents(events, now), now));
    }
    if (incident.pods.length > PODS_PICTURED) parts.push(`<p class="note">${own(`Pictures of ${PODS_PICTURED} of the ${incident.pods.length} pods.`)}</p>`);
    const html = parts.filter(Boolean).join("");
    if (html) {
      figures.set(incident.id, html);
      pictured++;
    }
  }
  return figures;
}
