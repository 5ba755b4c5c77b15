// The calls list's pages as the bytes the API sends, kept in process so a repeated read (the
// first page, polled by dashboards and integrators) costs no Postgres round trip, no row
// parsing and no JSON building. Exact, not timed: every business has a generation that moves
// on each change to its calls — announced by Postgres itself (calls-change-listener.ts) or
// made by this process (`changed`, right after its own writes) — and a page is found only
// under the generation it was read in. While changes cannot be heard (no listener connected)
// the cache is off: every read goes to Postgres.

export type CacheResult = "hit" | "shared" | "miss" | "off";

export interface CallsPageCache {
  /**
   * The page under `key` (every input the bytes depend on, the business aside): cached, or
   * loaded now and kept if nothing changed for the business while it was read. A null page
   * (e.g. an unknown cursor) is never kept.
   */
  page(businessId: string, key: string, load: () => Promise<Buffer | null>): Promise<Buffer | null>;
  /** The business's calls changed: its pages are stale from now on. */
  changed(businessId: string): void;
  /** Changes can be heard again (listening from now on): on, empty. */
  on(): void;
  /** Changes cannot be heard (or every business changed at once): off, empty. */
  off(): void;
  readonly enabled: boolean;
  readonly bytes: number;
  readonly entries: number;
}

export interface CallsPageCacheOptions {
  maxBytes: number;
  /** Businesses whose generation is remembered (beyond them generations are folded into one floor). */
  maxBusinesses?: number;
  onResult?: (result: CacheResult) => void;
}

// Rough cost of an entry beside its bytes (Map slots, key string, Buffer object).
const ENTRY_OVERHEAD = 200;

interface Entry {
  key: string;
  businessId: string;
  body: Buffer;
  size: number;
}

export function createCallsPageCache(opts: CallsPageCacheOptions): CallsPageCache {
  const maxBusinesses = opts.maxBusinesses ?? 100_000;
  const report = opts.onResult ?? (() => {});
  let enabled = false;
  // Generations come from one counter, so a business's generation never takes a value it had
  // before, even after it is forgotten: a forgotten business reads `floor`, which is at least
  // every generation ever forgotten, and every change makes a new, higher one.
  let counter = 0;
  let floor = 0;
  const generations = new Map<string, number>(); // oldest change first
  const entries = new Map<string, Entry>(); // least recently used first
  const byBusiness = new Map<string, Set<Entry>>();
  const loading = new Map<string, Promise<Buffer | null>>();
  let bytes = 0;

  const generation = (businessId: string) => generations.get(businessId) ?? floor;
  const drop = (e: Entry) => {
    entries.delete(e.key);
    bytes -= e.size;
    const own = byBusiness.get(e.businessId)!;
    own.delete(e);
    if (own.size === 0) byBusiness.delete(e.businessId);
  };
  const clear = () => {
    entries.clear();
    byBusiness.clear();
    loading.clear();
    bytes = 0;
    generations.clear();
    floor = ++counter; // a read begun before now finds its generation gone
  };
  const keep = (businessId: string, key: string, body: Buffer) => {
    const size = body.length + key.length * 2 + ENTRY_OVERHEAD;
    if (size > opts.maxBytes) return;
    const old = entries.get(key);
    if (old) drop(old);
    const entry = { key, businessId, body, size };
    entries.set(key, entry);
    let own = byBusiness.get(businessId);
    if (!own) byBusiness.set(businessId, (own = new Set()));
    own.add(entry);
    bytes += size;
    for (const e of entries.values()) {
      if (bytes <= opts.maxBytes) break;
      drop(e);
    }
  };

  return {
    async page(businessId, key, load) {
      if (!enabled) {
        report("off");
        return load();
      }
      const gen = generation(businessId);
      const full = `${businessId}\u0000${gen}\u0000${key}`;
      const hit = entries.get(full);
      if (hit) {
        entries.delete(full); // most recently used: to the end
        entries.set(full, hit);
        report("hit");
        return hit.body;
      }
      // One read per page at a time: requests arriving while it runs, in the same generation,
      // would have been answered from the cache a moment later anyway.
      const pending = loading.get(full);
      if (pending) {
        report("shared");
        return pending;
      }
      report("miss");
      const read = load();
      loading.set(full, read);
      try {
        const body = await read;
        if (body && enabled && generation(businessId) === gen) keep(businessId, full, body);
        return body;
      } finally {
        if (loading.get(full) === read) loading.delete(full);
      }
    },
    changed(businessId) {
      if (!enabled) return;
      generations.delete(businessId);
      generations.set(businessId, ++counter);
      if (generations.size > maxBusinesses) {
        const [oldest, gen] = generations.entries().next().value!;
        generations.delete(oldest);
        floor = Math.max(floor, gen);
      }
      // Its pages are unreachable now: make room at once.
      const own = byBusiness.get(businessId);
      if (own) for (const e of own) drop(e);
    },
    on() {
      clear();
      enabled = true;
    },
    off() {
      enabled = false;
      clear();
    },
    get enabled() {
      return enabled;
    },
    get bytes() {
      return bytes;
    },
    get entries() {
      return entries.size;
    },
  };
}
