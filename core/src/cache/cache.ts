// The cache seam: Redis in production, an in-process store with the same behaviour when
// REDIS_URL is unset (one instance only). Keys are namespaced by the cache's prefix.

export type Unsubscribe = () => Promise<void>;

export interface Cache {
  readonly kind: "redis" | "memory";
  get(key: string): Promise<string | null>;
  /** Stores a value; `ttlMs` makes it expire. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Stores only if absent; true when stored (a lock or a dedupe marker). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Deletes every key containing `fragment` (a purged business's keys); returns how many. */
  deleteMatching(fragment: string): Promise<number>;
  /** Reads and deletes in one step: of concurrent takers, one gets the value (single-use tickets). */
  take(key: string): Promise<string | null>;
  /** Remaining life in ms: -1 no expiry, -2 missing. */
  ttl(key: string): Promise<number>;
  /** Atomic add; the expiry is set when the counter is created (fixed window). */
  incrBy(key: string, by: number, ttlMs?: number): Promise<number>;
  /**
   * Counting semaphore with expiring leases, shared by every instance: takes a place for
   * `member` unless `limit` live leases exist. Leases of a crashed holder expire after ttlMs.
   */
  acquireLease(key: string, member: string, limit: number, ttlMs: number): Promise<boolean>;
  /** Extends a held lease; false if it had expired or was released. */
  renewLease(key: string, member: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, member: string): Promise<void>;
  countLeases(key: string): Promise<number>;
  publish(channel: string, message: string): Promise<void>;
  subscribe(channel: string, onMessage: (message: string) => void): Promise<Unsubscribe>;
  /** Health probe for /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
