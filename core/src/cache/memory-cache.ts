// In-process Cache: same semantics as the Redis one, for a single instance with no Redis.
import type { Cache, Unsubscribe } from "./cache.ts";

interface Entry {
  value: string;
  expiresAt: number | null;
}

export function createMemoryCache(prefix = "fd:", now: () => number = Date.now): Cache {
  const store = new Map<string, Entry>();
  const leases = new Map<string, Map<string, number>>();
  const channels = new Map<string, Set<(m: string) => void>>();
  const k = (key: string) => prefix + key;

  function live(key: string): Entry | undefined {
    const e = store.get(key);
    if (e && e.expiresAt !== null && e.expiresAt <= now()) {
      store.delete(key);
      return undefined;
    }
    return e;
  }
  function liveLeases(key: string): Map<string, number> {
    let m = leases.get(key);
    if (!m) leases.set(key, (m = new Map()));
    const t = now();
    for (const [member, exp] of m) if (exp <= t) m.delete(member);
    return m;
  }
  // Sweep expired keys now and then so a long-lived process does not grow without bound.
  const sweeper = setInterval(() => {
    for (const key of store.keys()) live(key);
    for (const key of leases.keys()) if (liveLeases(key).size === 0) leases.delete(key);
  }, 60_000);
  sweeper.unref();

  return {
    kind: "memory",
    async get(key) {
      return live(k(key))?.value ?? null;
    },
    async set(key, value, ttlMs) {
      store.set(k(key), { value, expiresAt: ttlMs ? now() + ttlMs : null });
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(k(key))) return false;
      store.set(k(key), { value, expiresAt: now() + ttlMs });
      return true;
    },
    async del(key) {
      store.delete(k(key));
    },
    async deleteMatching(fragment) {
      let n = 0;
      for (const map of [store, leases] as Map<string, unknown>[]) {
        for (const key of [...map.keys()]) if (key.startsWith(prefix) && key.includes(fragment) && map.delete(key)) n++;
      }
      return n;
    },
    async take(key) {
      const value = live(k(key))?.value ?? null;
      store.delete(k(key));
      return value;
    },
    async ttl(key) {
      const e = live(k(key));
      if (!e) return -2;
      return e.expiresAt === null ? -1 : e.expiresAt - now();
    },
    async incrBy(key, by, ttlMs) {
      const e = live(k(key));
      const value = (e ? Number(e.value) : 0) + by;
      store.set(k(key), { value: String(value), expiresAt: e ? e.expiresAt : ttlMs ? now() + ttlMs : null });
      return value;
    },
    async acquireLease(key, member, limit, ttlMs) {
      const m = liveLeases(k(key));
      if (!m.has(member) && m.size >= limit) return false;
      m.set(member, now() + ttlMs);
      return true;
    },
    async renewLease(key, member, ttlMs) {
      const m = liveLeases(k(key));
      if (!m.has(member)) return false;
      m.set(member, now() + ttlMs);
      return true;
    },
    async releaseLease(key, member) {
      leases.get(k(key))?.delete(member);
    },
    async countLeases(key) {
      return liveLeases(k(key)).size;
    },
    async publish(channel, message) {
      for (const fn of channels.get(k(channel)) ?? []) queueMicrotask(() => fn(message));
    },
    async subscribe(channel, onMessage): Promise<Unsubscribe> {
      const set = channels.get(k(channel)) ?? new Set();
      channels.set(k(channel), set);
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
      };
    },
    async ping() {
      return true;
    },
    async close() {
      clearInterval(sweeper);
      store.clear();
      leases.clear();
      channels.clear();
    },
  };
}
