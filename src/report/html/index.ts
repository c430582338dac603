export { renderHtml, type HtmlPage } from "./document.js";
export { incidentFigures, INCIDENTS_PICTURED, PODS_PICTURED } from "./figures.js";
export { TrafficTimeline, type TrafficInput, type TrafficSeries } from "./traffic.js";
export { podRestartTimelines, restartTimeline, backoffSeconds, parseGoDuration, type RestartTimeline } from "./restarts.js";
export { timedEvents } from "./events.js";
export { escapeHtml, safe } from "./escape.js";
