// This instance's calls: admitted ones waiting for their stream (with the model socket
// already opening) and live ones. Enforces MAX_CALLS_PER_INSTANCE and keeps each live
// call's place in its business's concurrent-call lease.
import type { Cache } from "@frontdesk/core/cache/cache";
import type { ModelSocket } from "../model/socket.ts";
import type { CallContext } from "./call-context.ts";

export const LEASE_TTL_MS = 90_000;
const LEASE_RENEW_MS = 30_000;
/** How long an admitted call waits for Twilio to open its stream. */
const PENDING_TTL_MS = 30_000;

export const leaseKey = (businessId: string) => `calls:active:${businessId}`;

/** What another part of the relay (an answering-machine verdict) may ask of a live call. */
export interface LiveCallActions {
  /** Leaves the voicemail message (interrupting the agent), then hangs up. */
  leaveVoicemail(): void;
}

interface Pending {
  context: CallContext;
  model: ModelSocket | undefined;
  timer: NodeJS.Timeout;
}

export class LiveCalls {
  private pending = new Map<string, Pending>();
  private live = new Map<string, { businessId: string; renew: NodeJS.Timeout; end: (reason: string) => Promise<unknown>; actions?: LiveCallActions }>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly maxPerInstance: number,
    private readonly cache: Pick<Cache, "renewLease" | "releaseLease">,
  ) {}

  get size(): number {
    return this.pending.size + this.live.size;
  }
  get liveCount(): number {
    return this.live.size;
  }
  hasRoom(): boolean {
    return this.size < this.maxPerInstance;
  }
  isLive(callSid: string): boolean {
    return this.live.has(callSid);
  }

  /** Remembers an admitted call until its stream arrives (or gives up on it). */
  hold(context: CallContext, model: ModelSocket | undefined): void {
    this.drop(context.callSid);
    const timer = setTimeout(() => this.drop(context.callSid), PENDING_TTL_MS);
    timer.unref();
    this.pending.set(context.callSid, { context, model, timer });
  }

  /** The admitted call's context and pre-opened model socket, if it was admitted here. */
  take(callSid: string): { context: CallContext; model: ModelSocket | undefined } | undefined {
    const p = this.pending.get(callSid);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(callSid);
    return { context: p.context, model: p.model };
  }

  /** Forgets a pending call and closes its unused model socket. */
  drop(callSid: string): void {
    const p = this.pending.get(callSid);
    if (!p) return;
    clearTimeout(p.timer);
    p.model?.close();
    this.pending.delete(callSid);
    this.notifyIdle();
  }

  /** A stream started: keep renewing the business's lease while the call lives. */
  start(callSid: string, businessId: string, end: (reason: string) => Promise<unknown>, actions?: LiveCallActions): void {
    const renew = setInterval(() => {
      void this.cache.renewLease(leaseKey(businessId), callSid, LEASE_TTL_MS).catch(() => {});
    }, LEASE_RENEW_MS);
    renew.unref();
    this.live.set(callSid, { businessId, renew, end, actions });
  }

  /** The live call's actions, if it runs on this instance. */
  actionsOf(callSid: string): LiveCallActions | undefined {
    return this.live.get(callSid)?.actions;
  }

  async finish(callSid: string): Promise<void> {
    const l = this.live.get(callSid);
    if (!l) return;
    clearInterval(l.renew);
    this.live.delete(callSid);
    await this.cache.releaseLease(leaseKey(l.businessId), callSid).catch(() => {});
    this.notifyIdle();
  }

  /** Resolves when no call is pending or live. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Ends every live call (shutdown) and forgets pending ones. */
  async endAll(reason: string): Promise<void> {
    for (const callSid of [...this.pending.keys()]) this.drop(callSid);
    await Promise.allSettled([...this.live.values()].map((l) => l.end(reason)));
  }

  private notifyIdle() {
    if (this.size > 0) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
