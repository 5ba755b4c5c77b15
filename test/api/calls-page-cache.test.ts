// GET /v1/calls pages kept in process: a repeated read is not read from Postgres again and
// sends the same bytes; any writer's change (plain SQL on another connection, as the relay
// and the worker write) shows on the next read once Postgres has announced it; a change made
// through this API shows at once; with its listener cut the cache is off, and back on after.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { call, createSecretKey, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testConfig, testDb } from "../support/services.ts";
import { listenerApplicationName } from "../../api/src/read/calls-change-listener.ts";
import { createCallsPageCache } from "../../api/src/read/calls-page-cache.ts";

const db = testDb();
let api: Api;
let plain: Api;
let sql: pg.Client;
let a: TestBusiness;
let b: TestBusiness;
let keyA: string;
let keyB: string;

// The listener waits 1.5 s before reconnecting, so the test can see the cache off.
const RECONNECT_MS = 1500;

async function metric(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await api.api.metrics.getSingleMetric(name)!.get();
  return m.values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
}
const reads = async () => ({
  hit: await metric("api_calls_page_cache_reads_total", { result: "hit" }),
  miss: await metric("api_calls_page_cache_reads_total", { result: "miss" }),
  off: await metric("api_calls_page_cache_reads_total", { result: "off" }),
});
const listening = () => metric("api_calls_page_cache_listening");

const list = (path: string, key = keyA) => call(api, "GET", path, { key });
const ids = async (path: string, key = keyA) => {
  const r = await list(path, key);
  expect(r.status, r.text).toBe(200);
  return (r.body.data as { id: string }[]).map((c) => c.id);
};

/** Reads `path` until it is served from the cache (a read after a miss is a hit). */
async function cached(path: string, key = keyA) {
  await list(path, key);
  const before = await reads();
  const r = await list(path, key);
  expect((await reads()).hit, "the second read is a hit").toBe(before.hit + 1);
  return r;
}

async function insertCall(biz: TestBusiness, fields: { summary?: string; startedAt?: Date } = {}): Promise<string> {
  const { rows } = await sql.query<{ id: string }>(
    `INSERT INTO "CallLog" ("businessId", "callSid", "fromNumber", "toNumber", status, "startedAt", summary, "updatedAt")
     VALUES ($1, 'CA' || md5(random()::text), '+14155550999', $2, 'completed', $3, $4, now()) RETURNING id`,
    [biz.business.id, biz.phone.e164, (fields.startedAt ?? new Date()).toISOString().replace("Z", ""), fields.summary ?? "inserted by SQL"],
  );
  return rows[0]!.id;
}

beforeAll(async () => {
  api = await startApi({ callsCacheListener: { minBackoffMs: RECONNECT_MS, maxBackoffMs: RECONNECT_MS } });
  plain = await startApi({ config: testConfig({ API_CALLS_CACHE_MB: "0" }) });
  sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  [a, b] = [await createTestBusiness(db, { plan: "enterprise" }), await createTestBusiness(db, { plan: "enterprise" })];
  const until = new Date(Date.now() - 3_600_000);
  await seedCalls(a.business, a.phone.e164, { count: 12, until, withTranscript: true, summaryMarker: "Ä “cached” 🙂" });
  await seedCalls(b.business, b.phone.e164, { count: 12, until, withTranscript: true });
  keyA = (await createSecretKey(a.business, ["calls:read", "calls:write"])).key;
  keyB = (await createSecretKey(b.business, ["calls:read"])).key;
  await vi.waitFor(async () => expect(await listening()).toBe(1), { timeout: 10_000 });
});
afterAll(async () => {
  await sql?.end();
  await Promise.all([api?.close(), plain?.close()]);
});

describe("the calls page cache", () => {
  it("reads a repeated page from Postgres once and sends the same bytes as without a cache", async () => {
    const path = "/v1/calls?limit=5&sentiment=positive";
    const before = await reads();
    const first = await list(path);
    const second = await list(path);
    const after = await reads();
    expect(after.miss - before.miss).toBe(1);
    expect(after.hit - before.hit).toBe(1);
    const uncached = await call(plain, "GET", path, { key: keyA });
    expect(first.status).toBe(200);
    expect(first.body.data.length).toBeGreaterThan(0);
    expect(second.text).toBe(first.text);
    expect(uncached.text).toBe(first.text);
    for (const h of ["content-type", "content-length", "cache-control", "ratelimit-policy"]) {
      expect(second.headers.get(h), h).toBe(uncached.headers.get(h));
    }
    // Per request, not cached: its own id, its own rate-limit count.
    expect(second.headers.get("request-id")).not.toBe(first.headers.get("request-id"));
    expect(second.headers.get("ratelimit")).not.toBe(first.headers.get("ratelimit"));
  });

  it("shows a call inserted by another connection on the next read", async () => {
    await cached("/v1/calls?limit=3");
    const id = await insertCall(a);
    await expect.poll(() => ids("/v1/calls?limit=3")).toContain(id);
  });

  it("shows a summary and a status updated by another connection", async () => {
    const r = await cached("/v1/calls?limit=4");
    const target = r.body.data[2].id as string;
    await sql.query(`UPDATE "CallLog" SET summary = 'rewritten by the worker', status = 'failed' WHERE id = $1`, [target]);
    await expect
      .poll(async () => (await list("/v1/calls?limit=4")).body.data.find((c: { id: string }) => c.id === target))
      .toMatchObject({ summary: "rewritten by the worker", status: "failed" });
  });

  it("drops a call deleted by another connection", async () => {
    const r = await cached("/v1/calls?limit=6");
    const target = r.body.data[1].id as string;
    await sql.query(`DELETE FROM "CallLog" WHERE id = $1`, [target]);
    await expect.poll(() => ids("/v1/calls?limit=6")).not.toContain(target);
  });

  it("never caches a text search: a transcript line another connection adds is found on the next read", async () => {
    // Transcript writes are not announced (their commits would queue on Postgres's notify
    // lock): searches go to Postgres every time instead.
    const path = "/v1/calls?q=zeppelin%20hangar";
    const before = await reads();
    expect((await list(path)).body.data).toEqual([]);
    expect((await list(path)).body.data).toEqual([]);
    expect((await reads()).hit, "a search read twice is no hit").toBe(before.hit);
    const [target] = await ids("/v1/calls?limit=1&starting_after=" + (await ids("/v1/calls?limit=8")).at(-1));
    await sql.query(
      `INSERT INTO "TranscriptSegment" ("businessId", "callId", sequence, role, text, "startMs") VALUES ($1, $2, 99, 'caller', 'Can I park my zeppelin hangar-side?', 0)`,
      [a.business.id, target],
    );
    expect(await ids(path)).toEqual([target]);
  });

  it("shows a call deleted through this API on the very next read", async () => {
    const r = await cached("/v1/calls?limit=2");
    const target = r.body.data[0].id as string;
    expect((await call(api, "DELETE", `/v1/calls/${target}`, { key: keyA })).status).toBe(204);
    expect(await ids("/v1/calls?limit=2")).not.toContain(target);
  });

  it("keeps one business's pages when another's calls change, and never serves one's page to the other", async () => {
    const path = "/v1/calls?limit=5";
    const pageA = (await cached(path)).text;
    const before = await reads();
    const pageB = await list(path, keyB);
    expect((await reads()).miss, "B's first read of the same query is B's own").toBe(before.miss + 1);
    const idsA = JSON.parse(pageA).data.map((c: { id: string }) => c.id);
    for (const c of pageB.body.data) expect(idsA).not.toContain(c.id);
    const idB = await insertCall(b);
    await expect.poll(() => ids(path, keyB)).toContain(idB);
    const hitsBefore = (await reads()).hit;
    const again = await list(path);
    expect((await reads()).hit, "A's page is still cached").toBe(hitsBefore + 1);
    expect(again.text).toBe(pageA);
    for (const c of (await list(path, keyB)).body.data) expect(idsA).not.toContain(c.id);
  });

  it("is off while its listener is cut (a write shows at once), and on again once it reconnects", async () => {
    await cached("/v1/calls?limit=3");
    const { rows } = await sql.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()",
      [listenerApplicationName()],
    );
    expect(rows).toHaveLength(1);
    await sql.query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
    await expect.poll(listening, { interval: 20 }).toBe(0);
    const id = await insertCall(a);
    const offBefore = (await reads()).off;
    expect(await ids("/v1/calls?limit=3")).toContain(id);
    expect((await reads()).off).toBe(offBefore + 1);
    await expect.poll(listening, { timeout: 10_000 }).toBe(1);
    await cached("/v1/calls?limit=3");
    const id2 = await insertCall(a);
    await expect.poll(() => ids("/v1/calls?limit=3")).toContain(id2);
  });
});

describe("the page cache itself", () => {
  const bytes = (s: string) => Buffer.from(s);

  it("keeps no page read while its business changed", async () => {
    const cache = createCallsPageCache({ maxBytes: 1 << 20 });
    cache.on();
    let finish!: (b: Buffer) => void;
    const racing = cache.page("biz_a", "k", () => new Promise<Buffer>((r) => (finish = r)));
    cache.changed("biz_a");
    finish(bytes("old"));
    expect(String(await racing)).toBe("old");
    expect(String(await cache.page("biz_a", "k", async () => bytes("new")))).toBe("new");
  });

  it("stays within its byte budget, dropping the least recently used pages", async () => {
    const cache = createCallsPageCache({ maxBytes: 20_000 });
    cache.on();
    const page = "x".repeat(1000);
    for (let i = 0; i < 100; i++) await cache.page(`biz_${i % 7}`, `k${i}`, async () => bytes(page));
    expect(cache.bytes).toBeLessThanOrEqual(20_000);
    expect(cache.entries).toBeGreaterThan(10);
    let loads = 0;
    await cache.page("biz_1", "k99", async () => (loads++, bytes(page))); // the newest: kept
    await cache.page("biz_0", "k0", async () => (loads++, bytes(page))); // the oldest: dropped
    expect(loads).toBe(1);
  });

  it("forgets businesses past its limit without serving a page of a changed one", async () => {
    const cache = createCallsPageCache({ maxBytes: 1 << 20, maxBusinesses: 3 });
    cache.on();
    await cache.page("biz_a", "k", async () => bytes("a1"));
    cache.changed("biz_a");
    await cache.page("biz_a", "k", async () => bytes("a2"));
    for (const other of ["biz_b", "biz_c", "biz_d", "biz_e"]) cache.changed(other); // biz_a forgotten
    cache.changed("biz_a");
    expect(String(await cache.page("biz_a", "k", async () => bytes("a3")))).toBe("a3");
  });

  it("is off until told it can hear changes", async () => {
    const cache = createCallsPageCache({ maxBytes: 1 << 20 });
    let loads = 0;
    for (let i = 0; i < 2; i++) await cache.page("biz_a", "k", async () => (loads++, bytes("p")));
    expect(loads).toBe(2);
    expect(cache.entries).toBe(0);
  });
});
