// Login throttling: failed logins are counted per account and per IP in the shared cache
// (fixed windows); past the limit, that account or IP waits until its window ends. If the
// cache is unreachable the throttle lets logins through and says so once via onError.
import type { Cache } from "../cache/cache.ts";

export interface LoginThrottleOptions {
  cache: Pick<Cache, "get" | "incrBy" | "del" | "ttl">;
  maxFailuresPerAccount?: number;
  maxFailuresPerIp?: number;
  windowMs?: number;
  onError?: (err: unknown) => void;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface LoginThrottle {
  check(email: string, ip: string): Promise<ThrottleVerdict>;
  recordFailure(email: string, ip: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

export function createLoginThrottle(opts: LoginThrottleOptions): LoginThrottle {
  const { cache } = opts;
  const perAccount = opts.maxFailuresPerAccount ?? 5;
  const perIp = opts.maxFailuresPerIp ?? 50;
  const windowMs = opts.windowMs ?? 15 * 60_000;
  const accountKey = (email: string) => `login:acct:${email.toLowerCase()}`;
  const ipKey = (ip: string) => `login:ip:${ip}`;

  async function failOpen<T>(fallback: T, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      opts.onError?.(err);
      return fallback;
    }
  }

  async function over(key: string, limit: number): Promise<number | null> {
    const count = Number((await cache.get(key)) ?? 0);
    if (count < limit) return null;
    const ttl = await cache.ttl(key);
    return ttl > 0 ? ttl : windowMs;
  }

  return {
    check: (email, ip) =>
      failOpen<ThrottleVerdict>({ allowed: true }, async () => {
        const waits = await Promise.all([over(accountKey(email), perAccount), over(ipKey(ip), perIp)]);
        const retryAfterMs = Math.max(...waits.map((w) => w ?? 0));
        return retryAfterMs > 0 ? { allowed: false, retryAfterMs } : { allowed: true };
      }),
    recordFailure: (email, ip) =>
      failOpen(undefined, async () => {
        await Promise.all([cache.incrBy(accountKey(email), 1, windowMs), cache.incrBy(ipKey(ip), 1, windowMs)]);
      }),
    recordSuccess: (email) => failOpen(undefined, () => cache.del(accountKey(email))),
  };
}
