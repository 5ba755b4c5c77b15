// Redis Cache (ioredis). Leases are a sorted set scored by expiry time, updated by Lua so
// check-and-take is atomic across instances. One extra connection serves all subscriptions.
import { Redis } from "ioredis";
import type { Cache, Unsubscribe } from "./cache.ts";

const ACQUIRE = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]) * 2)
return 1`;

const RENEW = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) == false then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return 1`;

const INCR = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if tonumber(ARGV[2]) > 0 and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return v`;

export interface RedisCacheOptions {
  url: string;
  prefix?: string;
  now?: () => number;
}

export function createRedisCache({ url, prefix = "fd:", now = Date.now }: RedisCacheOptions): Cache & { client: Redis } {
  const client = new Redis(url, { keyPrefix: prefix, maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
  let subscriber: Redis | undefined;
  const handlers = new Map<string, Set<(m: string) => void>>();
  // ioredis reports connection errors on the emitter; callers see failed commands instead.
  client.on("error", () => {});

  async function getSubscriber(): Promise<Redis> {
    if (subscriber) return subscriber;
    subscriber = new Redis(url, { maxRetriesPerRequest: null });
    subscriber.on("error", () => {});
    subscriber.on("message", (channel: string, message: string) => {
      for (const fn of handlers.get(channel) ?? []) fn(message);
    });
    return subscriber;
  }

  return {
    kind: "redis",
    client,
    async get(key) {
      return client.get(key);
    },
    async set(key, value, ttlMs) {
      if (ttlMs) await client.set(key, value, "PX", ttlMs);
      else await client.set(key, value);
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await client.set(key, value, "PX", ttlMs, "NX")) === "OK";
    },
    async del(key) {
      await client.del(key);
    },
    async deleteMatching(fragment) {
      // SCAN sees full keys; commands add keyPrefix themselves, so strip it before UNLINK.
      const pattern = `${prefix}*${fragment.replace(/[*?[\]\\]/g, "\\$&")}*`;
      let cursor = "0";
      let n = 0;
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        cursor = next;
        if (keys.length) n += await client.unlink(...keys.map((key) => key.slice(prefix.length)));
      } while (cursor !== "0");
      return n;
    },
    async take(key) {
      return client.getdel(key);
    },
    async ttl(key) {
      return client.pttl(key);
    },
    async incrBy(key, by, ttlMs) {
      return Number(await client.eval(INCR, 1, key, by, ttlMs ?? 0));
    },
    async acquireLease(key, member, limit, ttlMs) {
      return (await client.eval(ACQUIRE, 1, key, now(), member, limit, ttlMs)) === 1;
    },
    async renewLease(key, member, ttlMs) {
      return (await client.eval(RENEW, 1, key, now(), member, ttlMs)) === 1;
    },
    async releaseLease(key, member) {
      await client.zrem(key, member);
    },
    async countLeases(key) {
      await client.zremrangebyscore(key, "-inf", now());
      return client.zcard(key);
    },
    async publish(channel, message) {
      // keyPrefix does not apply to channels; prefix them ourselves.
      await client.publish(prefix + channel, message);
    },
    async subscribe(channel, onMessage): Promise<Unsubscribe> {
      const sub = await getSubscriber();
      const full = prefix + channel;
      let set = handlers.get(full);
      if (!set) {
        handlers.set(full, (set = new Set()));
        await sub.subscribe(full);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
        if (set.size === 0) {
          handlers.delete(full);
          await sub.unsubscribe(full).catch(() => {});
        }
      };
    },
    async ping() {
      try {
        return (await client.ping()) === "PONG";
      } catch {
        return false;
      }
    },
    async close() {
      // QUIT waits for a reply that never comes while Redis is unreachable: give it a moment,
      // then drop the connections.
      const quit = (c: Redis) =>
        Promise.race([c.quit().catch(() => {}), new Promise((r) => setTimeout(r, 500).unref())]).finally(() => c.disconnect());
      await Promise.allSettled([quit(client), subscriber && quit(subscriber)]);
    },
  };
}
