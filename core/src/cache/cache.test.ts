import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import type { Cache } from "./cache.ts";
import { createMemoryCache } from "./memory-cache.ts";
import { createRedisCache } from "./redis-cache.ts";

// The in-process cache must behave exactly like Redis: one suite, both implementations.
const caches: [string, Cache][] = [
  ["redis", createRedisCache({ url: process.env.REDIS_URL!, prefix: process.env.CACHE_PREFIX })],
  ["memory", createMemoryCache("mem:")],
];
afterAll(async () => {
  for (const [, c] of caches) await c.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(caches)("%s cache", (_name, cache) => {
  const key = () => `k:${randomUUID()}`;

  it("stores, reads, overwrites and deletes values", async () => {
    const k = key();
    expect(await cache.get(k)).toBeNull();
    await cache.set(k, "one");
    expect(await cache.get(k)).toBe("one");
    await cache.set(k, "two");
    expect(await cache.get(k)).toBe("two");
    await cache.del(k);
    expect(await cache.get(k)).toBeNull();
  });

  it("deletes every key containing a fragment (a purged business's), values and leases alike, and no other", async () => {
    const biz = `biz_${randomUUID()}`;
    await cache.set(`rl:${biz}:m`, "1", 60_000);
    await cache.incrBy(`usage:${biz}`, 2, 60_000);
    await cache.acquireLease(`calls:${biz}`, "CA1", 5, 60_000);
    const other = `rl:biz_${randomUUID()}:m`;
    await cache.set(other, "1", 60_000);
    expect(await cache.deleteMatching(biz)).toBe(3);
    expect(await cache.get(`rl:${biz}:m`)).toBeNull();
    expect(await cache.countLeases(`calls:${biz}`)).toBe(0);
    expect(await cache.get(other)).toBe("1");
    expect(await cache.deleteMatching("no*such[key")).toBe(0);
  });

  it("forgets a value when its time to live runs out", async () => {
    const k = key();
    await cache.set(k, "v", 80);
    const ttl = await cache.ttl(k);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(80);
    await sleep(120);
    expect(await cache.get(k)).toBeNull();
    expect(await cache.ttl(k)).toBe(-2);
    await cache.set(k, "forever");
    expect(await cache.ttl(k)).toBe(-1);
  });

  it("take hands a value to exactly one of many concurrent takers, and it is gone after", async () => {
    const k = key();
    await cache.set(k, "ticket", 5_000);
    const taken = await Promise.all(Array.from({ length: 20 }, () => cache.take(k)));
    expect(taken.filter((v) => v === "ticket")).toHaveLength(1);
    expect(taken.filter((v) => v === null)).toHaveLength(19);
    expect(await cache.get(k)).toBeNull();
    await cache.set(k, "brief", 50);
    await sleep(100);
    expect(await cache.take(k)).toBeNull();
  });

  it("setIfAbsent stores only once until the marker expires", async () => {
    const k = key();
    expect(await cache.setIfAbsent(k, "a", 80)).toBe(true);
    expect(await cache.setIfAbsent(k, "b", 80)).toBe(false);
    expect(await cache.get(k)).toBe("a");
    await sleep(120);
    expect(await cache.setIfAbsent(k, "c", 80)).toBe(true);
  });

  it("counters add atomically under concurrency and keep their first window", async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 50 }, () => cache.incrBy(k, 1, 1000)));
    expect(new Set(results).size).toBe(50);
    expect(Math.max(...results)).toBe(50);
    const ttl1 = await cache.ttl(k);
    await sleep(30);
    await cache.incrBy(k, 5, 1000);
    expect(await cache.ttl(k)).toBeLessThan(ttl1);
    expect(await cache.get(k)).toBe("55");
  });

  it("leases cap concurrent holders, and an expired lease frees its place", async () => {
    const k = key();
    expect(await cache.acquireLease(k, "call-1", 2, 100)).toBe(true);
    expect(await cache.acquireLease(k, "call-2", 2, 1000)).toBe(true);
    expect(await cache.acquireLease(k, "call-3", 2, 1000)).toBe(false);
    expect(await cache.acquireLease(k, "call-1", 2, 100)).toBe(true); // re-acquire by a holder is fine
    expect(await cache.countLeases(k)).toBe(2);
    await sleep(150); // call-1's holder crashed and never renewed
    expect(await cache.countLeases(k)).toBe(1);
    expect(await cache.renewLease(k, "call-1", 1000)).toBe(false);
    expect(await cache.acquireLease(k, "call-3", 2, 1000)).toBe(true);
    await cache.releaseLease(k, "call-2");
    expect(await cache.renewLease(k, "call-3", 1000)).toBe(true);
    expect(await cache.countLeases(k)).toBe(1);
  });

  it("only as many leases as the limit are granted when many ask at once", async () => {
    const k = key();
    const granted = await Promise.all(Array.from({ length: 20 }, (_, i) => cache.acquireLease(k, `c${i}`, 5, 5000)));
    expect(granted.filter(Boolean)).toHaveLength(5);
  });

  it("delivers published messages to every subscriber of the channel, and stops after unsubscribe", async () => {
    const ch = `ch:${randomUUID()}`;
    const a: string[] = [];
    const b: string[] = [];
    const unsubA = await cache.subscribe(ch, (m) => a.push(m));
    const unsubB = await cache.subscribe(ch, (m) => b.push(m));
    await cache.publish(ch, "hello");
    await cache.publish(`${ch}:other`, "not for you");
    await expect.poll(() => b.length).toBe(1);
    expect(a).toEqual(["hello"]);
    await unsubA();
    await cache.publish(ch, "again");
    await expect.poll(() => b.length).toBe(2);
    expect(a).toEqual(["hello"]);
    await unsubB();
  });

  it("answers its health probe", async () => {
    expect(await cache.ping()).toBe(true);
  });
});

describe("redis cache with Redis unreachable", () => {
  it("closes promptly instead of waiting forever for Redis", async () => {
    const cache = createRedisCache({ url: "redis://127.0.0.1:1", prefix: "down:" });
    expect(await cache.ping()).toBe(false);
    const started = Date.now();
    await cache.close();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
