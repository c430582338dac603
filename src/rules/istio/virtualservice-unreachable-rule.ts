import { defineRule } from "../../contract/rule.js";
import { analyzeCommand, reportIstio, kubectl } from "./finding.js";
import { arrayOf, recordOf, refOf } from "../../k8s/objects.js";

type Match = Record<string, unknown>;

/** A match without its `name`, as a comparable key. */
function matchKey(match: Match): string {
  const { name: _name, ...rest } = match;
  return stableJson(rest);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value as object)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Whether an earlier HTTP match takes every request a later one would: the
 * same match, or a URI prefix that covers the later prefix with no condition
 * the later match lacks.
 */
function covers(earlier: Match, later: Match): boolean {
  if (matchKey(earlier) === matchKey(later)) return true;
  const a = recordOf(earlier.uri);
  const b = recordOf(later.uri);
  if (typeof a?.prefix !== "string" || typeof b?.prefix !== "string" || !b.prefix.startsWith(a.prefix)) return false;
  for (const [key, value] of Object.entries(earlier)) {
    if (key === "name" || key === "uri") continue;
    if (stableJson(value) !== stableJson(later[key])) return false;
  }
  return true;
}

function label(rule: Record<string, unknown> | undefined, index: number): string {
  return typeof rule?.name === "string" && rule.name !== "" ? `"${rule.name}"` : `#${index}`;
}

export const virtualServiceUnreachableRule = defineRule({
  id: "istio/virtualservice-unreachable-rule",
  category: "routing-conflict",
  severity: "warning",
  title: "VirtualService rule or match can never be reached",
  docs: {
    cause: "Routes are tried in order and the first match wins. A rule after a rule without `match` (which takes every request), or a match that an earlier match already covers (the same match, or a shorter URI prefix with no extra condition), never receives traffic: the routing written there silently does nothing.",
    fix: "Put the more specific rules first and the catch-all rule last; remove duplicate matches.",
    verify: ["istioctl analyze -n <namespace>", "istioctl proxy-config routes deploy/<client> -o json"],
    references: ["https://istio.io/latest/docs/reference/config/analysis/ist0130/", "https://istio.io/latest/docs/reference/config/analysis/ist0131/"],
  },
  equivalents: ["IST0130", "IST0131"],
  inputs: ["istio"],
  reads: ["VirtualService"],
  scopes: ["lint", "diagnose"],
  messages: {
    "after-catch-all": "{resource} {protocol} rule {rule} is never used: rule {catchAll} before it has no match and takes every request",
    "match-repeated": "{resource} {protocol} rule {rule} match #{match} is never used: the same match comes first in rule {earlier}",
    "match-shadowed": "{resource} {protocol} rule {rule} match #{match} is never used: a broader match comes first in rule {earlier}",
    "all-matches-earlier": "{resource} {protocol} rule {rule} is never used: all its matches appear in earlier rules",
  },
  analyze(ctx) {
    const { view } = ctx;
    for (const vs of view.kind("VirtualService")) {
      const spec = recordOf(vs.spec) ?? {};
      for (const protocol of ["http", "tcp", "tls"] as const) {
        const rules = arrayOf<Record<string, unknown>>(spec[protocol]);
        const seen: { match: Match; rule: number }[] = [];
        let catchAll: number | undefined;
        rules.forEach((rule, ruleIndex) => {
          const matches = arrayOf<Match>(rule?.match).filter((match) => recordOf(match) !== undefined);
          if (catchAll !== undefined) {
            reportIstio(this, ctx, {
              object: vs,
              code: "IST0130",
              args: [label(rule, ruleIndex), `only the last rule can have no matches; rule ${label(rules[catchAll], catchAll)} has none`],
              path: ["spec", protocol, ruleIndex],
              message: "after-catch-all",
              data: { resource: refOf(vs), protocol, rule: label(rule, ruleIndex), catchAll: label(rules[catchAll], catchAll) },
              cause: "Routes are evaluated in order; a rule without match matches everything, so no rule after it is reached.",
              fix: { description: `Move rule ${label(rules[catchAll], catchAll)} to the end, or give it a match.`, commands: [kubectl("edit", vs)] },
              verify: [analyzeCommand(vs)],
            });
            return;
          }
          if (matches.length === 0) {
            catchAll = ruleIndex;
            return;
          }
          let unused = 0;
          let exactDuplicates = 0;
          matches.forEach((match, matchIndex) => {
            const earlier = [...seen, ...matches.slice(0, matchIndex).map((item) => ({ match: item, rule: ruleIndex }))].find((item) => (protocol === "http" ? covers(item.match, match) : matchKey(item.match) === matchKey(match)));
            if (!earlier) return;
            unused++;
            if (matchKey(earlier.match) === matchKey(match) && earlier.rule !== ruleIndex) exactDuplicates++;
            reportIstio(this, ctx, {
              object: vs,
              code: "IST0131",
              args: [label(rule, ruleIndex), `#${matchIndex}`, label(rules[earlier.rule], earlier.rule)],
              path: ["spec", protocol, ruleIndex, "match", matchIndex],
              message: matchKey(earlier.match) === matchKey(match) ? "match-repeated" : "match-shadowed",
              data: { resource: refOf(vs), protocol, rule: label(rule, ruleIndex), match: matchIndex, earlier: label(rules[earlier.rule], earlier.rule) },
              cause: "The first matching route wins; requests this match describes are always taken by the earlier one.",
              fix: { description: "Put the more specific match first, or remove the duplicate.", commands: [kubectl("edit", vs)] },
              verify: [analyzeCommand(vs)],
            });
          });
          if (exactDuplicates > 0 && exactDuplicates === matches.length && unused === matches.length) {
            reportIstio(this, ctx, {
              object: vs,
              code: "IST0130",
              args: [label(rule, ruleIndex), "all matches used by prior rules"],
              path: ["spec", protocol, ruleIndex],
              message: "all-matches-earlier",
              data: { resource: refOf(vs), protocol, rule: label(rule, ruleIndex) },
              cause: "Every request this rule matches is taken by an earlier rule with the same match.",
              fix: { description: "Remove this rule, or change its matches.", commands: [kubectl("edit", vs)] },
              verify: [analyzeCommand(vs)],
            });
          }
          for (const match of matches) seen.push({ match, rule: ruleIndex });
        });
      }
    }
  },
});
