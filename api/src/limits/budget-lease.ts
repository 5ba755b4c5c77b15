// Budget leases: this instance takes a bucket's hits from the store a lease at a time and
// admits requests locally from the lease, so a busy bucket costs a store round trip per lease,
// not per request, while the store stays the only place hits are granted (never more than the
// limit per window across all instances).
//
// Lease size, asked of the store (which may grant less, see budget-store.ts):
//   want = min(cap, max(1, ceil(recent)))
//   recent = this instance's requests for the bucket in about the last 100 ms: those in the
//            current 100 ms slot plus the previous slot's scaled by the share of it still
//            inside the last 100 ms (a sliding-window estimate);
//   cap    = chosen per bucket by the caller: 1 for exact per-request counting, else a small
//            share of the limit (rate-limit.ts: limit / 100).
// So a slow bucket (under ~10 requests a second on this instance) asks for one hit at a time,
// exactly as without leases, and a busy one asks for about 100 ms worth of its own traffic.
//
// Accuracy: admissions never exceed the limit in a window. An instance's unspent lease is
// invisible to the others, so a request may be refused while other instances still hold up to
// a lease each (at most cap, and at most a tenth of what the window had left when granted);
// those hits are spent by the instances that hold them, or lost when the window ends.
import type { BudgetGrant, BudgetStore } from "./budget-store.ts";

const SLOT_MS = 100;
const BUCKETS_MAX = 100_000;

export interface Admission {
  allowed: boolean;
  /** What this instance knows is left in the window: the store's figure at its last lease less what it admitted since; never negative. */
  remaining: number;
  /** Time until the window ends, ms. */
  resetInMs: number;
}

interface BucketLease {
  limit: number;
  /** When the window ends (monotonic clock), from the store's TTL counted from when the lease was asked, so never later than the store's. */
  windowEndsAt: number;
  /** Hits granted to this instance in the window and not yet spent. */
  left: number;
  /** The window's remaining hits, this lease included, when it was granted. */
  remainingAtLease: number;
  admittedSinceLease: number;
  /** The store said the window is used up: once `left` is spent, refuse until the window ends. */
  exhausted: boolean;
  /** The lease being asked for: concurrent requests share it (single flight). */
  inflight: Promise<BudgetGrant> | undefined;
  // Arrivals per 100 ms slot, for the lease size.
  slot: number;
  slotCount: number;
  previousSlotCount: number;
}

export interface BudgetLeases {
  /**
   * Admits one request of bucket `key` (limit per window), or refuses it: synchronously when
   * the local lease decides, a promise when the store must be asked.
   */
  admit(key: string, limit: number, cap: number): Admission | Promise<Admission>;
}

/** The lease size rule above, given the bucket's recent arrivals. */
export function leaseSize(recent: number, cap: number): number {
  return Math.min(cap, Math.max(1, Math.ceil(recent)));
}

// A monotonic clock: a wall-clock step back must not stretch a used-up window.
export function createBudgetLeases(store: BudgetStore, now: () => number = () => performance.now()): BudgetLeases {
  const buckets = new Map<string, BucketLease>();

  const roll = (b: BucketLease, t: number) => {
    const slot = Math.floor(t / SLOT_MS);
    if (slot === b.slot) return;
    b.previousSlotCount = slot === b.slot + 1 ? b.slotCount : 0;
    b.slotCount = 0;
    b.slot = slot;
  };
  const recent = (b: BucketLease, t: number) => b.slotCount + b.previousSlotCount * (1 - (t % SLOT_MS) / SLOT_MS);

  const bucketFor = (key: string, limit: number, t: number): BucketLease => {
    let b = buckets.get(key);
    // A new limit (the plan changed) starts afresh: the old lease was sized for the old one.
    if (b && b.limit === limit) return b;
    if (!b && buckets.size >= BUCKETS_MAX) {
      // Forgetting a bucket only costs a round trip (and drops its unspent lease): drop ended
      // windows, then the oldest tenth, so the sweep is not repeated for every new bucket.
      for (const [k, v] of buckets) if (v.windowEndsAt <= t && !v.inflight) buckets.delete(k);
      for (const k of buckets.keys()) {
        if (buckets.size < BUCKETS_MAX * 0.9) break;
        buckets.delete(k);
      }
    }
    b = { limit, windowEndsAt: 0, left: 0, remainingAtLease: 0, admittedSinceLease: 0, exhausted: false, inflight: undefined, slot: 0, slotCount: 0, previousSlotCount: 0 };
    buckets.set(key, b);
    return b;
  };

  const ask = async (b: BucketLease, key: string, cap: number): Promise<BudgetGrant> => {
    const askedAt = now();
    roll(b, askedAt);
    try {
      const grant = await store.take(key, leaseSize(recent(b, askedAt), cap), b.limit);
      if (!grant.bypass) {
        // Asked only with nothing left, so nothing of an earlier lease is dropped here.
        b.windowEndsAt = askedAt + grant.ttlMs;
        b.left = grant.granted;
        b.remainingAtLease = b.limit - grant.used + grant.granted;
        b.admittedSinceLease = 0;
        b.exhausted = grant.granted === 0 || grant.used >= Math.floor(b.limit);
      }
      return grant;
    } finally {
      b.inflight = undefined;
    }
  };

  /** Admits from the local lease, or refuses within a used-up window; undefined: ask the store. */
  const fromLease = (b: BucketLease, t: number): Admission | undefined => {
    if (t >= b.windowEndsAt) {
      // The window rolled over: leftovers of the last one are discarded.
      b.left = 0;
      b.exhausted = false;
    }
    if (b.left > 0) {
      b.left--;
      b.admittedSinceLease++;
      return { allowed: true, remaining: Math.max(0, b.remainingAtLease - b.admittedSinceLease), resetInMs: b.windowEndsAt - t };
    }
    if (b.exhausted) return { allowed: false, remaining: 0, resetInMs: b.windowEndsAt - t };
    return undefined;
  };

  const viaStore = async (b: BucketLease, key: string, cap: number): Promise<Admission> => {
    for (;;) {
      const grant = await (b.inflight ??= ask(b, key, cap));
      // The store failed: this request and those waiting with it pass, as without leases.
      if (grant.bypass) return { allowed: true, remaining: Math.max(0, b.limit - 1), resetInMs: grant.ttlMs };
      const admission = fromLease(b, now());
      if (admission) return admission;
    }
  };

  return {
    admit(key, limit, cap) {
      const t = now();
      const b = bucketFor(key, limit, t);
      roll(b, t);
      b.slotCount++;
      return fromLease(b, t) ?? viaStore(b, key, cap);
    },
  };
}
