// Retention and hard deletion, on a database of the test's own (a pass deletes across every
// business): expired sessions, account tokens and idempotency keys, finished jobs and settled
// webhook deliveries past their windows go; a business deleted longer ago than the grace
// period is purged — every row, its vectors (pgvector, or its Pinecone namespace) and its
// cache keys — while live businesses and a recently deleted one keep everything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createDb, type Db } from "@frontdesk/core/db/client";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { createUser } from "@frontdesk/core/auth/create-user";
import { createBusiness } from "@frontdesk/core/business/create-business";
import { deleteBusiness } from "@frontdesk/core/business/delete-business";
import { SYSTEM_ACTOR } from "@frontdesk/core/audit/record-audit";
import { createKnowledgeService } from "@frontdesk/core/knowledge/knowledge-service";
import { createPgvectorStore } from "@frontdesk/core/knowledge/stores/pgvector-store";
import { createPineconeStore } from "@frontdesk/core/knowledge/stores/pinecone-store";
import { runRetention } from "@frontdesk/core/jobs/retention";
import { purgeBusiness } from "@frontdesk/core/business/purge-business";
import { createApiWorker } from "@frontdesk/api/worker";
import { createMigratedDatabase, dropDatabases } from "./support/databases.ts";
import { startPineconeStandIn, type PineconeStandIn } from "../stand-ins/pinecone.ts";
import { testCache, testConfig, testLogger } from "../support/services.ts";

const DAY = 24 * 3600_000;
const ago = (ms: number) => new Date(Date.now() - ms);
let url: string;
let db: Db;
const cache = testCache();
const logger = testLogger();
let pinecone: PineconeStandIn;

beforeAll(async () => {
  url = await createMigratedDatabase("retention");
  db = createDb({ url, poolMax: 3 });
  pinecone = await startPineconeStandIn();
});
afterAll(async () => {
  await db?.$disconnect();
  await cache.close();
  await pinecone?.close();
  await dropDatabases();
});

/** Row counts of every table with a businessId column, for one business. */
async function rowsOf(businessId: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: tables } = await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'businessId'`,
    );
    const out: Record<string, number> = {};
    for (const { table_name } of tables) {
      const { rows } = await c.query<{ n: string }>(`SELECT count(*) AS n FROM "${table_name}" WHERE "businessId" = $1`, [businessId]);
      if (Number(rows[0]!.n) > 0) out[table_name] = Number(rows[0]!.n);
    }
    const biz = await c.query(`SELECT 1 FROM "Business" WHERE id = $1`, [businessId]);
    if (biz.rowCount) out.Business = 1;
    return out;
  } finally {
    await c.end();
  }
}

async function businessWithData(name: string) {
  const owner = await createUser(db, { email: `${name}-${Date.now()}@example.com`, name, passwordHash: "x" });
  const business = await createBusiness(db, { ownerId: owner.id, name });
  const scoped = tenantDb(db, business.id);
  const knowledge = createKnowledgeService({ db, config: testConfig(), logger });
  await knowledge.createContent(business.id, { title: "Hours", content: `${name} is open from nine to five on weekdays.` });
  await createApiWorker({ config: testConfig(), db, cache, logger }).drain();
  const endpoint = await scoped.webhookEndpoint.create({ data: { businessId: business.id, url: "https://example.com/hook", secret: "s", events: ["call.ended"] } });
  await scoped.webhookDelivery.createMany({
    data: [
      { businessId: business.id, endpointId: endpoint.id, eventId: "evt_old_ok", eventType: "call.ended", payload: {}, status: "succeeded", createdAt: ago(40 * DAY) },
      { businessId: business.id, endpointId: endpoint.id, eventId: "evt_old_pending", eventType: "call.ended", payload: {}, status: "pending", createdAt: ago(40 * DAY) },
      { businessId: business.id, endpointId: endpoint.id, eventId: "evt_new_ok", eventType: "call.ended", payload: {}, status: "succeeded" },
    ],
  });
  await scoped.idempotencyKey.createMany({
    data: [
      { businessId: business.id, key: "old", method: "POST", path: "/v1/x", requestHash: "h", expiresAt: ago(DAY) },
      { businessId: business.id, key: "new", method: "POST", path: "/v1/x", requestHash: "h", expiresAt: new Date(Date.now() + DAY) },
    ],
  });
  await scoped.job.createMany({
    data: [
      { businessId: business.id, kind: "test.old", payload: {}, status: "done", updatedAt: ago(10 * DAY) },
      { businessId: business.id, kind: "test.old", payload: {}, status: "queued", updatedAt: ago(10 * DAY) },
      { businessId: business.id, kind: "test.new", payload: {}, status: "done" },
    ],
  });
  await db.userSession.createMany({
    data: [
      { userId: owner.id, tokenHash: `old-${business.id}`, expiresAt: ago(DAY) },
      { userId: owner.id, tokenHash: `new-${business.id}`, expiresAt: new Date(Date.now() + DAY) },
    ],
  });
  await cache.set(`rl:${business.id}:minute`, "3", 60_000);
  await cache.acquireLease(`calls:${business.id}`, "CA1", 10, 60_000);
  return { business, owner };
}

describe("retention", () => {
  it("deletes expired and old rows, and purges a business deleted past its grace period", async () => {
    const live = await businessWithData("live");
    const gone = await businessWithData("gone");
    const recent = await businessWithData("recent");
    await deleteBusiness(tenantDb(db, gone.business.id), { actor: SYSTEM_ACTOR, at: ago(31 * DAY) });
    await deleteBusiness(tenantDb(db, recent.business.id), { actor: SYSTEM_ACTOR, at: ago(DAY) });
    expect((await rowsOf(gone.business.id)).KnowledgeChunk).toBeGreaterThan(0);

    const result = await runRetention({ db, cache, store: createPgvectorStore(db), logger });
    expect(result).toMatchObject({ sessions: 3, idempotencyKeys: 3, jobs: 3, webhookDeliveries: 3, businessesPurged: 1 });

    // Every row of the purged business is gone, vectors included; a tombstone says so.
    expect(await rowsOf(gone.business.id)).toEqual({});
    expect(await db.processedEvent.findUnique({ where: { source_eventId: { source: "business.purged", eventId: gone.business.id } } })).not.toBeNull();
    expect(await cache.get(`rl:${gone.business.id}:minute`)).toBeNull();
    expect(await cache.countLeases(`calls:${gone.business.id}`)).toBe(0);

    for (const kept of [live, recent]) {
      const rows = await rowsOf(kept.business.id);
      expect(rows).toMatchObject({ Business: 1, RAGContent: 1, KnowledgeChunk: rows.KnowledgeChunk, WebhookEndpoint: 1, WebhookDelivery: 2, IdempotencyKey: 1 });
      expect(rows.KnowledgeChunk).toBeGreaterThan(0);
      const jobs = await db.job.findMany({ where: { businessId: kept.business.id, kind: { startsWith: "test." } }, select: { kind: true, status: true } });
      expect(jobs.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([{ kind: "test.new", status: "done" }, { kind: "test.old", status: "queued" }]);
      expect(await db.userSession.count({ where: { userId: kept.owner.id } })).toBe(1);
      expect(await cache.get(`rl:${kept.business.id}:minute`)).toBe("3");
    }
  }, 120_000);

  it("follows DELETED_BUSINESS_GRACE_DAYS: with 0, a business deleted a day ago is purged at the next pass", async () => {
    const recent = await businessWithData("grace-zero");
    await deleteBusiness(tenantDb(db, recent.business.id), { actor: SYSTEM_ACTOR, at: ago(DAY) });
    const keptByDefault = await runRetention({ db, cache, store: createPgvectorStore(db), logger });
    expect(await db.business.findUnique({ where: { id: recent.business.id } })).not.toBeNull();
    expect(keptByDefault.businessesPurged).toBe(0);
    const policy = { deletedBusinessGraceMs: testConfig({ DELETED_BUSINESS_GRACE_DAYS: "0" }).deletedBusinessGraceMs };
    const result = await runRetention({ db, cache, store: createPgvectorStore(db), logger, policy });
    expect(result.businessesPurged).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(recent.business.id)).toEqual({});
  }, 120_000);

  it("purging a business on Pinecone deletes its namespace, and only its own", async () => {
    const store = createPineconeStore({ apiKey: pinecone.apiKey, indexHost: pinecone.url, maxRetries: 0 });
    const a = await businessWithData("pinecone-a");
    const b = await businessWithData("pinecone-b");
    const record = (id: string) => ({ id, contentId: "rc_1", values: new Float32Array(pinecone.dimension).fill(0.1), category: null, isPublic: true, model: "local" });
    await store.upsert(a.business.id, [record("kc_a1"), record("kc_a2")]);
    await store.upsert(b.business.id, [record("kc_b1")]);
    await deleteBusiness(tenantDb(db, a.business.id), { actor: SYSTEM_ACTOR, at: ago(DAY) });

    expect((await purgeBusiness({ db, cache, store, logger }, a.business.id)).purged).toBe(true);
    expect(pinecone.namespaces.get(a.business.id)?.size ?? 0).toBe(0);
    expect(pinecone.namespaces.get(b.business.id)?.size).toBe(1);
    expect(await rowsOf(a.business.id)).toEqual({});
    // A live business is never purged.
    await expect(purgeBusiness({ db, cache, store, logger }, b.business.id)).rejects.toThrow(/not deleted/);
  }, 120_000);
});
