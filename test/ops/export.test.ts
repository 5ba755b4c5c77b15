// A business's data export through the API (owner's session only): one JSON document with
// everything it owns — calls with transcripts, knowledge, numbers, webhooks — streamed in
// pages, without credentials, nothing of another business, and recorded in its audit trail.
// Deleting through the API then lets the purge remove it for good.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { purgeBusiness } from "@frontdesk/core/business/purge-business";
import { createPgvectorStore } from "@frontdesk/core/knowledge/stores/pgvector-store";
import { addMember, call, createSecretKey, sessionFor, startApi, ALL_SCOPES, type Api } from "../api/support/api-harness.ts";
import { seedCalls } from "../api/support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb, testLogger } from "../support/services.ts";

let api: Api;
let a: TestBusiness;
let b: TestBusiness;

beforeAll(async () => {
  api = await startApi();
  a = await createTestBusiness(testDb(), { knowledge: [{ title: "Hours", content: "Open nine to five." }] });
  b = await createTestBusiness(testDb(), { knowledge: [{ title: "Other", content: "Another business entirely." }] });
  await seedCalls(a.business, a.phone.e164, { count: 1200, withTranscript: true, spacingMs: 60_000 });
  await seedCalls(b.business, b.phone.e164, { count: 3, withTranscript: true });
  await tenantDb(testDb(), a.business.id).webhookEndpoint.create({ data: { businessId: a.business.id, url: "https://a.example/hook", secret: "whsec_do_not_export", events: ["call.ended"] } });
}, 120_000);
afterAll(async () => {
  await api?.close();
});

async function exportOf(business: TestBusiness, cookie: string) {
  const res = await fetch(`${api.url}/v1/businesses/${business.business.id}/export`, { headers: { cookie: `fd_session=${cookie}` } });
  return { res, text: await res.text() };
}

describe("business export", () => {
  it("streams everything the business owns, in one JSON document, without secrets or other businesses' data", async () => {
    const { cookie } = await sessionFor(api, a.owner);
    const { res, text } = await exportOf(a, cookie);
    expect(res.status, text.slice(0, 300)).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const doc = JSON.parse(text) as { format: string; business: { id: string }; tables: Record<string, { businessId: string; id: string }[]> };
    expect(doc.format).toBe("frontdesk.business-export.v1");
    expect(doc.business.id).toBe(a.business.id);
    // Paged past the first 500 rows, all of them there, once each.
    expect(doc.tables.callLog).toHaveLength(1200);
    expect(new Set(doc.tables.callLog!.map((c) => c.id)).size).toBe(1200);
    expect(doc.tables.transcriptSegment!.length).toBeGreaterThan(1200);
    expect(doc.tables.rAGContent).toHaveLength(1);
    expect(doc.tables.knowledgeChunk!.length).toBeGreaterThan(0);
    expect(doc.tables.phoneNumber).toHaveLength(1);
    expect(doc.tables.webhookEndpoint).toHaveLength(1);
    for (const rows of Object.values(doc.tables)) for (const row of rows) expect(row.businessId).toBe(a.business.id);
    expect(text).not.toContain(b.business.id);
    expect(text).not.toContain("whsec_do_not_export");
    expect(text).not.toMatch(/"(keyHash|tokenHash|secret|embedding|pendingEmbedding)"/);
    // Recorded: who exported, when.
    const audit = await tenantDb(testDb(), a.business.id).auditLog.findMany({ where: { action: "business.exported" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(a.owner.id);
  }, 60_000);

  it("is for the business's owners only: not other members, not API keys, not another business's owner", async () => {
    const admin = await addMember(a.business, "admin");
    expect((await exportOf(a, (await sessionFor(api, admin)).cookie)).res.status).toBe(403);
    const key = await createSecretKey(a.business, ALL_SCOPES);
    const byKey = await call(api, "GET", `/v1/businesses/${a.business.id}/export`, { key: key.key });
    expect(byKey.status).toBe(403);
    const other = await exportOf(a, (await sessionFor(api, b.owner)).cookie);
    expect([403, 404]).toContain(other.res.status);
    expect(other.text).not.toContain("callLog");
  });

  it("after deletion through the API, the purge removes the business for good", async () => {
    const doomed = await createTestBusiness(testDb(), { knowledge: [{ title: "Soon gone", content: "Deleted then purged." }] });
    const { cookie, csrf } = await sessionFor(api, doomed.owner);
    const del = await fetch(`${api.url}/v1/businesses/${doomed.business.id}`, { method: "DELETE", headers: { cookie: `fd_session=${cookie}`, "x-csrf-token": csrf } });
    expect(del.status).toBe(204);
    const result = await purgeBusiness({ db: testDb(), store: createPgvectorStore(testDb()), cache: api.cache, logger: testLogger() }, doomed.business.id);
    expect(result.purged).toBe(true);
    expect(await testDb().business.findUnique({ where: { id: doomed.business.id } })).toBeNull();
    expect(await testDb().knowledgeChunk.count({ where: { businessId: doomed.business.id } })).toBe(0);
    expect(await testDb().business.findUnique({ where: { id: a.business.id } })).not.toBeNull();
  });
});
