// Two `ktriage watch --leader-elect --events` replicas against a real API server:
// only the holder of the coordination.k8s.io Lease publishes; when it is killed
// the other takes the Lease over within the lease duration, does not send the
// Events the first one sent again, and publishes what happens next.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlPlane } from "../../scripts/control-plane/cluster.mjs";
import type { Plane } from "./scenario.js";
import { ensureBuiltCli } from "./support.js";
import { createWorkload, diagnosedEvents, setImagePullBackOff, startWatch, waitFor, waitForWatching, type WatchProcess, type Workload } from "./watch-support.js";

const LEASE_SECONDS = 4;
let plane: Plane;
let catalog: Workload;
let ledger: Workload;
const replicas: Record<string, WatchProcess> = {};

beforeAll(async () => {
  plane = (await startControlPlane()) as Plane;
  catalog = await createWorkload(plane, "shop", "catalog", "5f6b9d7c8");
  ledger = await createWorkload(plane, "billing", "ledger", "6d8f7b9c4");
  ensureBuiltCli();
  for (const name of ["replica-a", "replica-b"]) {
    replicas[name] = startWatch(plane, ["--coalesce", "100", "--events", "--leader-elect", "--lease-namespace", "default", "--lease-duration", String(LEASE_SECONDS), "--identity", name]);
  }
  await Promise.all(Object.values(replicas).map((replica) => waitForWatching(replica)));
}, 1_800_000);

afterAll(async () => {
  for (const replica of Object.values(replicas)) await replica.stop("SIGKILL");
  await plane?.stop();
});

async function holder(): Promise<string | undefined> {
  const lease = await plane.request("GET", "/apis/coordination.k8s.io/v1/namespaces/default/leases/ktriage-watch");
  return lease.status === 200 ? lease.body.spec?.holderIdentity || undefined : undefined;
}

describe("leader election with a Lease", () => {
  let leader = "";
  let follower = "";

  it("lets only the Lease holder publish", { timeout: 120_000 }, async () => {
    leader = await waitFor(holder, 30_000, "a Lease holder");
    follower = leader === "replica-a" ? "replica-b" : "replica-a";
    await setImagePullBackOff(plane, catalog);
    const line = await replicas[leader]!.waitForLine((each) => each.kind === "Pod" && each.name === catalog.pod.name && each.rule === "pod/image-pull-failure" && each.change === "new");
    const events = await waitFor(async () => {
      const found = await diagnosedEvents(plane, catalog);
      return found.length > 0 ? found : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(await diagnosedEvents(plane, catalog)).toHaveLength(1);
    expect(events[0]).toMatchObject({ reportingComponent: "ktriage.io/watch", reportingInstance: leader, metadata: { annotations: { "ktriage.io/finding-id": line.id } } });
    // The follower diagnosed the same (it watches too) but printed nothing and wrote nothing.
    expect(replicas[follower]!.lines).toEqual([]);
    expect(replicas[follower]!.stderr()).toMatch(/following as replica-/);
  });

  it("hands over when the leader is killed: the other takes the Lease within its duration, sends no Event twice, and publishes what comes next", { timeout: 120_000 }, async () => {
    const before = (await diagnosedEvents(plane, catalog)).map((event) => [event.metadata.name, event.series?.count ?? 1]);
    const killedAt = Date.now();
    await replicas[leader]!.stop("SIGKILL");
    await waitFor(async () => ((await holder()) === follower ? true : undefined), 30_000, `${follower} holding the Lease`);
    const takeover = (Date.now() - killedAt) / 1000;
    process.stderr.write(`[watch-leader] ${follower} took the Lease ${takeover.toFixed(1)} s after ${leader} was killed (lease ${LEASE_SECONDS} s)\n`);
    // A follower waits one lease duration without renewal, then tries at its next retry (lease/7.5).
    expect(takeover).toBeLessThan(LEASE_SECONDS * 2 + 2);
    await replicas[follower]!.waitForLine((each) => each.kind === "Pod" && each.name === catalog.pod.name && each.rule === "pod/image-pull-failure");
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await diagnosedEvents(plane, catalog)).map((event) => [event.metadata.name, event.series?.count ?? 1])).toEqual(before);

    await setImagePullBackOff(plane, ledger);
    const events = await waitFor(async () => {
      const found = await diagnosedEvents(plane, ledger);
      return found.length > 0 ? found : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0].reportingInstance).toBe(follower);
  });
});
