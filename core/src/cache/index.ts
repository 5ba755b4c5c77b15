// Picks the cache for the environment: Redis when REDIS_URL is set, else in-process.
import type { AppConfig } from "../config/env.ts";
import type { Cache } from "./cache.ts";
import { createMemoryCache } from "./memory-cache.ts";
import { createRedisCache } from "./redis-cache.ts";

export type { Cache, Unsubscribe } from "./cache.ts";

export function createCache(config: Pick<AppConfig, "redisUrl" | "cachePrefix">): Cache {
  return config.redisUrl
    ? createRedisCache({ url: config.redisUrl, prefix: config.cachePrefix })
    : createMemoryCache(config.cachePrefix);
}
