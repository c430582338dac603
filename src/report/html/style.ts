/** The page's only stylesheet (inline; nothing is fetched). Screen and print. */
export const STYLE = `
:root{--fg:#1d232a;--dim:#5b6570;--line:#d8dde3;--bg:#fff;--panel:#f6f8fa;--err:#c0392b;--warn:#b9770e;--info:#1f6f9f;--ok:#1e8449;--add:#e6ffec;--del:#ffebe9}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:16px 20px 60px}
header.page{border-bottom:2px solid var(--fg);margin-bottom:12px}
header.page h1{font-size:22px;margin:8px 0 2px}
h2{font-size:18px;margin:22px 0 8px}
h3{font-size:16px;margin:0 0 6px}
h4{font-size:13px;margin:12px 0 4px;text-transform:uppercase;letter-spacing:.03em;color:var(--dim)}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
pre{margin:0;padding:8px 10px;background:var(--panel);border:1px solid var(--line);border-radius:4px;overflow-x:auto;white-space:pre}
pre.commands code{display:block}
pre.commands code::before{content:"$ ";color:var(--dim)}
pre.diff .add{background:var(--add);display:block}
pre.diff .del{background:var(--del);display:block}
pre.diff .hunk{color:var(--info);display:block}
pre.diff .meta{color:var(--dim);display:block}
pre.diff .ctx{display:block}
pre.diff span:empty::before{content:" "}
.dim{color:var(--dim)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;color:#fff;vertical-align:1px}
.sev-error .badge,.badge.sev-error{background:var(--err)}
.badge.sev-warning{background:var(--warn)}
.badge.sev-info{background:var(--info)}
.filters{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);padding:8px 0;display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center}
.filters label{white-space:nowrap}
.filters input[type=search]{min-width:240px;padding:4px 6px}
.filters select{padding:3px}
nav.toc a{margin-right:12px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{font-size:12px;color:var(--dim);font-weight:600}
table.summary td:nth-child(5),table.summary td:nth-child(6){min-width:160px}
section.incident,section.readiness,section.access-logs,section.proxies{scroll-margin-top:96px}
section.incident{border:1px solid var(--line);border-left:5px solid var(--info);border-radius:4px;padding:10px 14px;margin:14px 0;break-inside:avoid-page}
section.incident.sev-error{border-left-color:var(--err)}
section.incident.sev-warning{border-left-color:var(--warn)}
section.incident .cause{font-weight:400;color:var(--dim)}
.meta-line{color:var(--dim);margin:2px 0 6px}
.finding-title{margin:6px 0 2px}
.summary-text{font-weight:600;margin:2px 0}
ul.evidence{margin:0;padding-left:18px}
ul.evidence li{margin:2px 0}
ul.evidence .source{display:inline-block;font-size:11px;color:var(--dim);border:1px solid var(--line);border-radius:3px;padding:0 4px}
ul.evidence code.line{white-space:pre-wrap;word-break:break-word}
.where{color:var(--dim);font-size:12px}
.proof{font-size:11px;text-transform:none;letter-spacing:0;font-weight:600;margin-left:6px}
.proof.proven{color:var(--ok)}
.proof.guidance{color:var(--warn)}
.copyable{position:relative;margin:4px 0}
button.copy{position:absolute;top:4px;right:4px;font-size:11px;padding:2px 8px;cursor:pointer;border:1px solid var(--line);background:#fff;border-radius:3px}
button.copy.done{background:var(--ok);color:#fff}
details.member,details.after,details.data{margin:4px 0}
details>summary{cursor:pointer}
.pictures{margin:10px 0}
figure.figure{margin:10px 0;padding:8px;border:1px solid var(--line);border-radius:4px;break-inside:avoid}
figure figcaption{font-weight:600;margin-bottom:4px}
svg.chart{display:block;max-width:100%;height:auto}
svg text{font:11px system-ui,"DejaVu Sans",sans-serif;fill:var(--fg)}
svg .axis,svg .tick,svg .lane{stroke:#9aa4ae;stroke-width:1}
svg .lane{stroke:#e3e7eb}
svg .grid{stroke:#e3e7eb;stroke-width:1}
svg .tick-label,svg .gap-label,svg .count-label,svg .now-label{fill:var(--dim);font-size:10px}
svg .run{fill:var(--err)}
svg .run.estimated{fill:#eab1aa;stroke:var(--err);stroke-dasharray:3 2}
svg .run.running{fill:var(--ok)}
svg .gap{stroke:var(--warn);stroke-width:2}
svg .gap.pending{stroke-dasharray:4 3}
svg .next{fill:var(--warn)}
svg .next-label{fill:var(--warn);font-size:11px;font-weight:600}
svg .now{stroke:var(--fg);stroke-dasharray:2 2}
svg .event circle,svg .event rect{fill:#7f8c99}
svg .event.warning circle,svg .event.warning rect{fill:var(--warn)}
svg .bar{fill:#7f8c99}
svg .s-2xx,.swatch.s-2xx{fill:#52a36b;background:#52a36b}
svg .s-3xx,.swatch.s-3xx{fill:#7fb3d5;background:#7fb3d5}
svg .s-1xx,.swatch.s-1xx{fill:#aab7b8;background:#aab7b8}
svg .s-4xx,.swatch.s-4xx{fill:#e5a50a;background:#e5a50a}
svg .s-5xx,.swatch.s-5xx{fill:#c0392b;background:#c0392b}
svg .s-no-response,.swatch.s-no-response{fill:#6c3483;background:#6c3483}
svg .s-f0,.swatch.s-f0{fill:#d35400;background:#d35400}
svg .s-f1,.swatch.s-f1{fill:#7d3c98;background:#7d3c98}
svg .s-f2,.swatch.s-f2{fill:#2874a6;background:#2874a6}
svg .s-f3,.swatch.s-f3{fill:#922b21;background:#922b21}
svg .s-f4,.swatch.s-f4{fill:#17a589;background:#17a589}
svg .s-f5,.swatch.s-f5{fill:#b7950b;background:#b7950b}
svg .s-other,.swatch.s-other{fill:#95a5a6;background:#95a5a6}
svg .bar.slow{fill:#5d6d7e}
svg .bar.slow.failing{fill:var(--err)}
svg .range{stroke:#b3bcc5;stroke-width:3}
svg .pct.p50,.pct-key.p50{fill:#52a36b;background:#52a36b}
svg .pct.p95,.pct-key.p95{fill:#e5a50a;background:#e5a50a}
svg .pct.p99,.pct-key.p99{fill:#c0392b;background:#c0392b}
.pct-key,.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 3px 0 8px;vertical-align:-1px}
ul.legend{list-style:none;padding:0;margin:4px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.status{display:inline-block;font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;color:#fff;background:#7f8c99;text-transform:uppercase}
.status.st-ok{background:var(--ok)}
.status.st-warn{background:var(--warn)}
.status.st-fail{background:var(--err)}
.status.st-info{background:var(--info)}
td.sync{font-size:11px;font-weight:600;text-align:center}
td.sync-synced{background:#e6f4ea;color:var(--ok)}
td.sync-stale,td.sync-not-sent{background:#fdebd0;color:var(--warn)}
td.sync-error{background:var(--del);color:var(--err)}
td.message{white-space:pre-wrap;word-break:break-word}
p.note{color:var(--dim);font-size:12px;margin:4px 0}
p.clean{font-size:16px;color:var(--ok);font-weight:600}
.copy-buffer{position:fixed;left:-9999px;top:0}
footer.page{margin-top:30px;border-top:1px solid var(--line);padding-top:8px;color:var(--dim);font-size:12px}
@media print{
  .filters,button.copy,nav.toc{display:none!important}
  main{max-width:none;padding:0}
  body{font-size:11px}
  section.incident,figure.figure{break-inside:avoid}
  a{color:inherit;text-decoration:none}
  pre{white-space:pre-wrap;word-break:break-word}
}
`;
