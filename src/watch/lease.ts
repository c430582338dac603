import type { KubeObject } from "../model/kube.js";
import { sleep, type WatchApi } from "./api.js";
import { microTime } from "./events.js";

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease holds without renewal; a follower takes over after it. */
  leaseDurationSeconds: number;
  /** How often the holder renews and a follower tries. */
  retryPeriodMs: number;
  /** A leader that could not renew for this long stops publishing (before its lease can run out). */
  renewDeadlineMs: number;
}

export const DEFAULT_LEASE: Omit<LeaseOptions, "namespace" | "identity"> = { name: "ktriage-watch", leaseDurationSeconds: 15, retryPeriodMs: 2000, renewDeadlineMs: 10_000 };

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's
 * leaderelection does: the holder renews every retry period; a follower
 * takes the lease once it has seen the same record unchanged for a whole
 * lease duration (its own clock, never the holder's timestamps); updates
 * carry the resourceVersion, so two replicas can never both win. A leader
 * that cannot renew within the renew deadline stops leading at once.
 */
export class LeaseElector {
  private leading = false;
  private observed: { record: string; at: number } | undefined;
  private lastRenew = 0;
  private readonly controller = new AbortController();
  private loop: Promise<void> | undefined;
  onChange: (leader: boolean) => void = () => undefined;

  constructor(private readonly api: WatchApi, private readonly options: LeaseOptions, private readonly log: (message: string) => void = () => undefined) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop = (async () => {
      while (!this.controller.signal.aborted) {
        let acquired = false;
        try {
          acquired = await this.tryAcquireOrRenew();
        } catch (error) {
          if (this.leading) this.log(`lease ${this.options.namespace}/${this.options.name} not renewed: ${error instanceof Error ? error.message : String(error)}`);
        }
        if (acquired) this.lastRenew = Date.now();
        const leading = acquired || (this.leading && Date.now() - this.lastRenew < this.options.renewDeadlineMs && !this.lostTo);
        this.lostTo = undefined;
        this.set(leading);
        await sleep(this.options.retryPeriodMs, this.controller.signal);
      }
    })();
  }

  /** Stops trying; a leader gives the lease up so a follower need not wait for it to run out. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
    if (!this.leading) return;
    this.set(false);
    try {
      const current = await this.get();
      if (current && current.spec?.holderIdentity === this.options.identity) {
        await this.api.request("PUT", this.path(current.metadata.name), { body: { ...current, spec: { ...current.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: microTime() } } }, 1);
      }
    } catch {
      // the lease runs out by itself
    }
  }

  private lostTo: string | undefined;

  private set(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.log(leading ? `leading (lease ${this.options.namespace}/${this.options.name}, identity ${this.options.identity})` : `no longer leading (lease ${this.options.namespace}/${this.options.name})`);
    this.onChange(leading);
  }

  private path(name?: string): string {
    const base = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.options.namespace)}/leases`;
    return name ? `${base}/${encodeURIComponent(name)}` : base;
  }

  private async get(): Promise<KubeObject | undefined> {
    const response = await this.api.request<KubeObject>("GET", this.path(this.options.name), {}, 1);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`GET lease: ${response.status}`);
    return response.body;
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = microTime();
    const current = await this.get();
    if (!current) {
      const spec: LeaseSpec = { holderIdentity: this.options.identity, leaseDurationSeconds: this.options.leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 };
      const created = await this.api.request("POST", this.path(), { body: { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.options.name, namespace: this.options.namespace }, spec } }, 1);
      return created.status === 201;
    }
    const spec: LeaseSpec = current.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (!this.observed || this.observed.record !== record) this.observed = { record, at: Date.now() };
    const mine = spec.holderIdentity === this.options.identity;
    const duration = (spec.leaseDurationSeconds ?? this.options.leaseDurationSeconds) * 1000;
    const expired = !spec.holderIdentity || Date.now() - this.observed.at > duration;
    if (!mine && !expired) {
      if (this.leading) this.lostTo = spec.holderIdentity;
      return false;
    }
    const next: LeaseSpec = mine
      ? { ...spec, renewTime: now, leaseDurationSeconds: this.options.leaseDurationSeconds }
      : { holderIdentity: this.options.identity, leaseDurationSeconds: this.options.leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 };
    const updated = await this.api.request<KubeObject>("PUT", this.path(this.options.name), { body: { ...current, spec: next } }, 1);
    if (updated.status === 200) {
      this.observed = { record: JSON.stringify([next.holderIdentity, next.renewTime, next.leaseDurationSeconds]), at: Date.now() };
      return true;
    }
    if (updated.status === 409) return false;
    throw new Error(`PUT lease: ${updated.status}`);
  }
}
