// Webhook endpoints through the API: created with a secret shown to the business, a test
// event delivered and signed, the delivery log, real call events fanned out by the worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySignature } from "@frontdesk/core/webhooks/signature";
import { emitCallEvent } from "@frontdesk/core/calls/call-events";
import { createJobWorker } from "@frontdesk/core/jobs/job-queue";
import { webhookJobHandlers } from "@frontdesk/core/webhooks/webhook-jobs";
import { drainKnowledgeJobs } from "@frontdesk/core/knowledge/knowledge-jobs";
import { resolveKnowledgeDeps } from "@frontdesk/core/knowledge/knowledge-deps";
import { call, createSecretKey, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb, testLogger } from "../support/services.ts";

const db = testDb();
let api: Api;
let receiver: Server;
let receiverUrl: string;
const received: { headers: Record<string, unknown>; body: string }[] = [];
let biz: TestBusiness;
let key: string;
/** How many more times /flaky answers 500 before it answers 200. */
let flakyFailures = 0;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c)).on("end", () => {
      received.push({ headers: req.headers, body });
      const fail = req.url === "/broken" || (req.url === "/flaky" && (flakyFailures -= 1) >= 0);
      res.writeHead(fail ? 500 : 200).end(fail ? "boom" : "thanks");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  api = await startApi();
  biz = await createTestBusiness(db, { plan: "enterprise" });
  key = (await createSecretKey(biz.business, ["webhooks:write"])).key;
});
afterAll(async () => {
  await api.close();
  await new Promise((r) => receiver.close(r));
});

describe("webhook endpoints", () => {
  it("a new endpoint shows its secret once; a test event arrives signed with it and is logged", async () => {
    const created = await call(api, "POST", "/v1/webhook-endpoints", { key, body: { url: `${receiverUrl}/hooks`, events: ["call.ended", "message.taken"] } });
    expect(created.status, created.text).toBe(201);
    const { id, secret } = created.body;
    expect(secret).toMatch(/^whsec_/);
    expect((await call(api, "GET", `/v1/webhook-endpoints/${id}`, { key })).text).not.toContain(secret);
    const before = received.length;
    const test = await call(api, "POST", `/v1/webhook-endpoints/${id}/test`, { key });
    expect(test.body).toMatchObject({ status: "succeeded", eventType: "webhook.test", responseStatus: 200, responseBody: "thanks", attempts: 1 });
    const got = received[before]!;
    expect(verifySignature(secret, got.headers["frontdesk-signature"] as string, got.body)).toBe(true);
    const log = await call(api, "GET", `/v1/webhook-endpoints/${id}/deliveries`, { key });
    expect(log.body.data[0].id).toBe(test.body.id);
  });

  it("a failing endpoint's test delivery says what it answered", async () => {
    const ep = (await call(api, "POST", "/v1/webhook-endpoints", { key, body: { url: `${receiverUrl}/broken`, events: ["call.ended"] } })).body;
    const test = await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/test`, { key });
    expect(test.body).toMatchObject({ status: "failed", responseStatus: 500, responseBody: "boom", lastError: "endpoint answered 500" });
    const failed = await call(api, "GET", `/v1/webhook-endpoints/${ep.id}/deliveries?status=failed`, { key });
    expect(failed.body.data).toHaveLength(1);
  });

  it("call events reach subscribed endpoints through the job worker, and the log shows each delivery", async () => {
    const ep = (await call(api, "POST", "/v1/webhook-endpoints", { key, body: { url: `${receiverUrl}/calls`, events: ["call.ended"] } })).body;
    const event = await emitCallEvent({ db, cache: api.cache }, { type: "call.ended", businessId: biz.business.id, callId: "call_abc", data: { durationSec: 61 } });
    await emitCallEvent({ db, cache: api.cache }, { type: "call.started", businessId: biz.business.id, callId: "call_abc", data: {} });
    const worker = createJobWorker({ db, logger: testLogger(), businessIds: [biz.business.id], pollMs: 3_600_000, handlers: webhookJobHandlers({ db, logger: testLogger(), allowPrivateTargets: true }) });
    try {
      await worker.drain();
    } finally {
      await worker.stop();
    }
    const log = await call(api, "GET", `/v1/webhook-endpoints/${ep.id}/deliveries`, { key });
    expect(log.body.data).toEqual([expect.objectContaining({ eventId: event.id, eventType: "call.ended", status: "succeeded", responseStatus: 200 })]);
    const got = received.find((r) => r.headers["frontdesk-event-id"] === event.id)!;
    expect(JSON.parse(got.body)).toMatchObject({ type: "call.ended", callId: "call_abc", data: { durationSec: 61 } });
  });

  it("a rotated secret signs the next delivery and the old one no longer verifies; an endpoint can be switched off", async () => {
    const ep = (await call(api, "POST", "/v1/webhook-endpoints", { key, body: { url: `${receiverUrl}/rotate`, events: ["call.ended"] } })).body;
    const rotated = await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/rotate-secret`, { key });
    expect(rotated.body.secret).not.toBe(ep.secret);
    const before = received.length;
    await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/test`, { key });
    const got = received[before]!;
    expect(verifySignature(rotated.body.secret, got.headers["frontdesk-signature"] as string, got.body)).toBe(true);
    expect(verifySignature(ep.secret, got.headers["frontdesk-signature"] as string, got.body)).toBe(false);
    const off = await call(api, "PATCH", `/v1/webhook-endpoints/${ep.id}`, { key, body: { isActive: false } });
    expect(off.body).toMatchObject({ isActive: false, disabledAt: expect.any(String) });
  });

  it("a failed delivery is redelivered on demand with the same event id, once the receiver is back", async () => {
    const ep = (await call(api, "POST", "/v1/webhook-endpoints", { key, body: { url: `${receiverUrl}/flaky`, events: ["call.ended"] } })).body;
    flakyFailures = 3;
    const first = (await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/test`, { key })).body;
    expect(first).toMatchObject({ status: "failed", attempts: 1 });
    const again = await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/deliveries/${first.id}/redeliver`, { key });
    expect(again.body).toMatchObject({ id: first.id, status: "failed", attempts: 2, responseStatus: 500 });
    expect((await call(api, "GET", `/v1/webhook-endpoints/${ep.id}`, { key })).body.failingSince).toEqual(expect.any(String));
    await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/deliveries/${first.id}/redeliver`, { key });
    const before = received.length;
    const ok = await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/deliveries/${first.id}/redeliver`, { key });
    expect(ok.body).toMatchObject({ id: first.id, status: "succeeded", attempts: 4, responseStatus: 200, lastError: null });
    expect(received[before]!.headers["frontdesk-event-id"]).toBe(first.eventId);
    expect((await call(api, "GET", `/v1/webhook-endpoints/${ep.id}`, { key })).body).toMatchObject({ failingSince: null, disabledReason: null });

    // Another business cannot reach it; a disabled endpoint must be re-enabled first.
    const other = await createTestBusiness(db);
    const otherKey = (await createSecretKey(other.business, ["webhooks:write"])).key;
    const theirs = await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/deliveries/${first.id}/redeliver`, { key: otherKey });
    expect(theirs.status).toBe(404);
    await call(api, "PATCH", `/v1/webhook-endpoints/${ep.id}`, { key, body: { isActive: false } });
    const off = await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/deliveries/${first.id}/redeliver`, { key });
    expect(off.status).toBe(409);
    expect(off.body.code).toBe("endpoint_disabled");
    const missing = await call(api, "POST", `/v1/webhook-endpoints/${ep.id}/deliveries/whd_nope/redeliver`, { key });
    expect(missing.status).toBe(404);
  });

  it("an indexed knowledge document is announced as knowledge.indexed", async () => {
    const kkey = (await createSecretKey(biz.business, ["knowledge:write"])).key;
    const ep = (await call(api, "POST", "/v1/webhook-endpoints", { key, body: { url: `${receiverUrl}/knowledge`, events: ["knowledge.indexed"] } })).body;
    const doc = (await call(api, "POST", "/v1/knowledge", { key: kkey, body: { title: "Parking", content: "Free parking behind the shop." } })).body;
    await drainKnowledgeJobs({ ...resolveKnowledgeDeps({ db }), logger: testLogger() }, { businessIds: [biz.business.id] });
    const worker = createJobWorker({ db, logger: testLogger(), businessIds: [biz.business.id], pollMs: 3_600_000, handlers: webhookJobHandlers({ db, logger: testLogger(), allowPrivateTargets: true }) });
    try {
      await worker.drain();
    } finally {
      await worker.stop();
    }
    const log = (await call(api, "GET", `/v1/webhook-endpoints/${ep.id}/deliveries`, { key })).body.data;
    expect(log).toEqual([expect.objectContaining({ eventType: "knowledge.indexed", status: "succeeded" })]);
    const got = received.find((r) => r.headers["frontdesk-event-id"] === log[0].eventId)!;
    expect(JSON.parse(got.body)).toMatchObject({ type: "knowledge.indexed", businessId: biz.business.id, data: { contentId: doc.id, chunks: expect.any(Number) } });
  });

  it("URLs that are not http(s) are refused", async () => {
    for (const url of ["ftp://files.example/x", "javascript:alert(1)", "not a url"]) {
      const r = await call(api, "POST", "/v1/webhook-endpoints", { key, body: { url, events: ["call.ended"] } });
      expect(r.status).toBe(400);
    }
  });
});
