import { describe, expect, it } from "vitest";
import { causeFromLog, primaryMatch } from "../../../../src/rules/pod/causes/log-cause.js";
import { crashLoop, list, NOW, pod } from "../fixtures.js";
import { buildView } from "../../../helpers/rule-tester.js";
import { podContexts } from "../../../../src/rules/pod/causes/context.js";
import { asInitFailure, initContainerFailure } from "../../../../src/rules/pod/init-container-failure.js";

function initContainer(log?: string) {
  const view = buildView({
    name: "case",
    files: { "pod.json": list(pod({ phase: "Pending", initContainers: [{ name: "migrate", status: crashLoop({ exitCode: 1 }, 4, "1m20s", "migrate") }], containers: [{ status: { state: { waiting: { reason: "PodInitializing" } } } }] })) },
    logs: log ? [{ pod: "api-7d9f8b6c5d-x2k9p", container: "migrate", previous: true, text: log }] : [],
    now: NOW,
  });
  return podContexts(view)[0]!.containers.find((c) => c.init)!;
}

describe("an init container that fails keeps the app from starting", () => {
  it.each([
    ["its log names the cause", 'django.db.utils.OperationalError: connection to server at "postgres" (10.96.20.4), port 5432 failed: Connection refused', "dependency-unavailable", "a dependency it needs at start-up is unavailable"],
    ["its log names nothing", undefined, undefined, "(exit 1)"],
  ])("%s", (_name, log, inner, words) => {
    const container = initContainer(log);
    const match = primaryMatch(container);
    const cause = asInitFailure(container, match ? causeFromLog(container, match, { exitCode: 1 }, true) : undefined, { exitCode: 1 });
    expect(cause.category).toBe("init-container-failure");
    expect(cause.inner?.category).toBe(inner);
    // The rule words it: its message the reading chose, filled with the reading's data.
    expect(initContainerFailure.messages[cause.said.message]!.replace(/\{(\w+)\}/g, (_, name: string) => String(cause.said.data[name]))).toContain(words);
  });
});
