import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { forBusiness } from "../db/tenant.ts";
import { createJobWorker } from "../jobs/job-queue.ts";
import { emitCallEvent } from "../calls/call-events.ts";
import { newWebhookSecret, signPayload, verifySignature, SIGNATURE_HEADER } from "./signature.ts";
import { deliverOnce, fanOutEvent, webhookJobHandlers, WEBHOOK_DELIVER_JOB } from "./webhook-jobs.ts";
import { AUTO_DISABLE_AFTER_MS } from "./endpoint-health.ts";
import { RESPONSE_BODY_LIMIT } from "./deliver-webhook.ts";
import type { Resolver } from "./post-webhook.ts";
import { sendTestEvent } from "./send-test-event.ts";
import { isPrivateTarget, webhookTargetProblem } from "./target-policy.ts";
import { testCache, testDb, testLogger } from "../../../test/support/services.ts";
import { createTestBusiness, type TestBusiness } from "../../../test/support/fixtures.ts";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const db = testDb();
const cache = testCache();
const logger = testLogger();
let server: Server;
let baseUrl: string;
const received: Received[] = [];
// The receiver answers each path with the status queued for it (default 200).
const answers = new Map<string, number[]>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      if (req.url === "/moved") return void res.writeHead(307, { location: "/landed" }).end();
      if (req.url === "/big") return void res.writeHead(200).end("x".repeat(1_000_000));
      const queue = answers.get(req.url ?? "") ?? [];
      res.writeHead(queue.shift() ?? 200, { "content-type": "text/plain" }).end("ok from receiver");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await cache.close();
  await db.$disconnect();
});

async function endpoint(biz: TestBusiness, path: string, events: string[], isActive = true) {
  return forBusiness(db, biz.business.id).webhookEndpoint.create({
    data: { businessId: biz.business.id, url: baseUrl + path, secret: newWebhookSecret(), events, isActive },
  });
}

function worker(biz: TestBusiness, retryDelaysMs: number[]) {
  return createJobWorker({
    db,
    businessIds: [biz.business.id],
    logger,
    pollMs: 3_600_000,
    handlers: webhookJobHandlers({ db, logger, allowPrivateTargets: true, retryDelaysMs }),
  });
}

describe("webhook signatures", () => {
  it("a signature verifies for its secret and body, and not when either changes or it is stale", () => {
    const secret = newWebhookSecret();
    const body = JSON.stringify({ id: "evt_1" });
    const now = 1_900_000_000;
    const header = signPayload(secret, body, now);
    expect(verifySignature(secret, header, body, { nowSec: now + 10 })).toBe(true);
    expect(verifySignature(secret, header, body + " ", { nowSec: now })).toBe(false);
    expect(verifySignature(newWebhookSecret(), header, body, { nowSec: now })).toBe(false);
    expect(verifySignature(secret, header, body, { nowSec: now + 301 })).toBe(false);
    expect(verifySignature(secret, undefined, body)).toBe(false);
    expect(verifySignature(secret, "t=abc,v1=zz", body)).toBe(false);
  });

  it("production refuses webhook URLs that point inward", () => {
    expect(isPrivateTarget("http://127.0.0.1:8080/x")).toBe(true);
    expect(isPrivateTarget("http://[::1]/x")).toBe(true);
    expect(isPrivateTarget("https://10.1.2.3/")).toBe(true);
    expect(isPrivateTarget("https://hooks.example.com/")).toBe(false);
    expect(webhookTargetProblem("http://hooks.example.com/", false)).toMatch(/https/);
    expect(webhookTargetProblem("https://localhost/", false)).toMatch(/private/);
    expect(webhookTargetProblem("https://user:pw@hooks.example.com/", false)).toMatch(/credentials/);
    expect(webhookTargetProblem("http://127.0.0.1:9/", true)).toBeNull();
  });
});

describe("webhook delivery", () => {
  it("a call event reaches every subscribed active endpoint once, signed, and is logged as delivered", async () => {
    const biz = await createTestBusiness(db);
    const other = await createTestBusiness(db);
    const subscribed = await endpoint(biz, "/a", ["call.ended", "call.started"]);
    await endpoint(biz, "/b", ["message.taken"]);
    await endpoint(biz, "/c", ["call.ended"], false);
    const theirs = await endpoint(other, "/theirs", ["call.ended"]);
    const before = received.length;

    const event = await emitCallEvent({ db, cache }, { type: "call.ended", businessId: biz.business.id, callId: "call_x", data: { durationSec: 42 } });
    const w = worker(biz, [5]);
    try {
      await w.drain();
    } finally {
      await w.stop();
    }
    const got = received.slice(before);
    expect(got).toHaveLength(1);
    const [hit] = got;
    expect(hit!.headers["frontdesk-event-id"]).toBe(event.id);
    expect(verifySignature(subscribed.secret, hit!.headers[SIGNATURE_HEADER.toLowerCase()] as string, hit!.body)).toBe(true);
    expect(JSON.parse(hit!.body)).toMatchObject({ id: event.id, type: "call.ended", data: { durationSec: 42 } });

    const log = await forBusiness(db, biz.business.id).webhookDelivery.findMany();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ endpointId: subscribed.id, status: "succeeded", attempts: 1, responseStatus: 200, responseBody: "ok from receiver" });
    expect(log[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(await forBusiness(db, other.business.id).webhookDelivery.count({ where: { endpointId: theirs.id } })).toBe(0);
  });

  it("a failing endpoint is retried on schedule until it answers 2xx", async () => {
    const biz = await createTestBusiness(db);
    const ep = await endpoint(biz, "/flaky", ["call.started"]);
    answers.set("/flaky", [500, 503]);
    await emitCallEvent({ db, cache }, { type: "call.started", businessId: biz.business.id, callId: "call_y", data: {} });
    const w = worker(biz, [1, 1, 1]);
    try {
      for (let i = 0; i < 20; i++) {
        await w.drain();
        const d = await forBusiness(db, biz.business.id).webhookDelivery.findFirst({ where: { endpointId: ep.id } });
        if (d?.status !== "pending") break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await w.stop();
    }
    const d = await forBusiness(db, biz.business.id).webhookDelivery.findFirstOrThrow({ where: { endpointId: ep.id } });
    expect(d).toMatchObject({ status: "succeeded", attempts: 3, responseStatus: 200, lastError: null });
  });

  it("a delivery that keeps failing ends failed with the last error, and is not retried", async () => {
    const biz = await createTestBusiness(db);
    const ep = await endpoint(biz, "/down", ["message.taken"]);
    answers.set("/down", [500, 500, 500]);
    await emitCallEvent({ db, cache }, { type: "message.taken", businessId: biz.business.id, callId: "call_z", data: {} });
    const w = worker(biz, [1, 1]);
    try {
      for (let i = 0; i < 20; i++) {
        await w.drain();
        const d = await forBusiness(db, biz.business.id).webhookDelivery.findFirst({ where: { endpointId: ep.id } });
        if (d?.status !== "pending") break;
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await w.stop();
    }
    const d = await forBusiness(db, biz.business.id).webhookDelivery.findFirstOrThrow({ where: { endpointId: ep.id } });
    expect(d).toMatchObject({ status: "failed", attempts: 3, responseStatus: 500, lastError: "endpoint answered 500", nextAttemptAt: null });
    expect(await db.job.count({ where: { businessId: biz.business.id, kind: WEBHOOK_DELIVER_JOB, status: "queued" } })).toBe(0);
  });

  it("an unreachable endpoint's delivery records why", async () => {
    const biz = await createTestBusiness(db);
    const ep = await forBusiness(db, biz.business.id).webhookEndpoint.create({
      data: { businessId: biz.business.id, url: "http://127.0.0.1:1/nobody", secret: newWebhookSecret(), events: ["call.ended"] },
    });
    const d = await sendTestEvent({ db: forBusiness(db, biz.business.id), allowPrivateTargets: true }, ep);
    expect(d.status).toBe("failed");
    expect(d.responseStatus).toBeNull();
    expect(d.lastError).toMatch(/could not deliver/);
  });

  it("a test event is delivered at once and logged", async () => {
    const biz = await createTestBusiness(db);
    const ep = await endpoint(biz, "/test", ["call.ended"]);
    const before = received.length;
    const d = await sendTestEvent({ db: forBusiness(db, biz.business.id), allowPrivateTargets: true }, ep);
    expect(d).toMatchObject({ status: "succeeded", eventType: "webhook.test", attempts: 1, responseStatus: 200 });
    expect(JSON.parse(received[before]!.body).type).toBe("webhook.test");
  });
});

// DNS stand-in: a customer's host name that resolves to this machine (as a rebinding attack would).
const inwardDns: Resolver = async (host) => (host === "hooks.customer.test" ? [{ address: "127.0.0.1", family: 4 }] : []);

describe("the SSRF guard", () => {
  it("refuses a host name that resolves to 127.0.0.1 in production; the receiver hears nothing", async () => {
    const biz = await createTestBusiness(db);
    const port = new URL(baseUrl).port;
    const ep = await forBusiness(db, biz.business.id).webhookEndpoint.create({
      data: { businessId: biz.business.id, url: `https://hooks.customer.test:${port}/inward`, secret: newWebhookSecret(), events: ["call.ended"] },
    });
    const before = received.length;
    const d = await sendTestEvent({ db: forBusiness(db, biz.business.id), allowPrivateTargets: false, resolve: inwardDns }, ep);
    expect(d).toMatchObject({ status: "failed", responseStatus: null });
    expect(d.lastError).toMatch(/refused: hooks\.customer\.test resolves to a private or loopback address \(127\.0\.0\.1\)/);
    expect(received.length).toBe(before);
  });

  it("with WEBHOOK_ALLOW_PRIVATE_TARGETS the same name is delivered to, through the checked address", async () => {
    const biz = await createTestBusiness(db);
    const ep = await forBusiness(db, biz.business.id).webhookEndpoint.create({
      data: { businessId: biz.business.id, url: `http://hooks.customer.test:${new URL(baseUrl).port}/named`, secret: newWebhookSecret(), events: ["call.ended"] },
    });
    const d = await sendTestEvent({ db: forBusiness(db, biz.business.id), allowPrivateTargets: true, resolve: inwardDns }, ep);
    expect(d).toMatchObject({ status: "succeeded", responseStatus: 200 });
    expect(received.at(-1)!.headers.host).toBe(`hooks.customer.test:${new URL(baseUrl).port}`);
  });

  it("refuses literal inward addresses, also as IPv4-mapped IPv6 and link-local metadata", () => {
    for (const url of ["https://169.254.169.254/latest", "https://[::ffff:127.0.0.1]/", "https://[fe80::1]/", "https://100.64.0.1/", "https://0.0.0.0/"]) {
      expect(webhookTargetProblem(url, false), url).toMatch(/private/);
    }
  });

  it("follows a redirect (re-checking its target) and reads only the first 2 KB of a large answer", async () => {
    const biz = await createTestBusiness(db);
    const moved = await endpoint(biz, "/moved", ["call.ended"]);
    const before = received.length;
    const d = await sendTestEvent({ db: forBusiness(db, biz.business.id), allowPrivateTargets: true }, moved);
    expect(d).toMatchObject({ status: "succeeded", responseStatus: 200 });
    expect(received.slice(before).map((r) => r.body && JSON.parse(r.body).type)).toEqual(["webhook.test", "webhook.test"]);

    const big = await endpoint(biz, "/big", ["call.ended"]);
    const b = await sendTestEvent({ db: forBusiness(db, biz.business.id), allowPrivateTargets: true }, big);
    expect(b.status).toBe("succeeded");
    expect(b.responseBody).toHaveLength(RESPONSE_BODY_LIMIT);
  });
});

describe("endpoint health", () => {
  it("an endpoint whose every attempt fails for 3 days is disabled, audited, and announced to the other endpoints", async () => {
    const biz = await createTestBusiness(db);
    const down = await endpoint(biz, "/dead", ["call.ended"]);
    const watcher = await endpoint(biz, "/watcher", ["webhook_endpoint.disabled"]);
    answers.set("/dead", Array(10).fill(500));
    const scoped = forBusiness(db, biz.business.id);
    const t0 = new Date("2026-01-01T00:00:00Z");
    const deliverAt = async (at: Date, callId: string) => {
      const event = await emitCallEvent({ db, cache }, { type: "call.ended", businessId: biz.business.id, callId, data: {} });
      const [id] = await fanOutEvent({ db }, event);
      return deliverOnce({ db, logger, allowPrivateTargets: true, retryDelaysMs: [], now: () => at }, biz.business.id, id!);
    };
    await deliverAt(t0, "c1");
    expect(await scoped.webhookEndpoint.findFirstOrThrow({ where: { id: down.id } })).toMatchObject({ isActive: true, failingSince: t0 });
    await deliverAt(new Date(t0.getTime() + AUTO_DISABLE_AFTER_MS - 60_000), "c2");
    expect((await scoped.webhookEndpoint.findFirstOrThrow({ where: { id: down.id } })).isActive).toBe(true);
    await deliverAt(new Date(t0.getTime() + AUTO_DISABLE_AFTER_MS), "c3");
    const after = await scoped.webhookEndpoint.findFirstOrThrow({ where: { id: down.id } });
    expect(after).toMatchObject({ isActive: false, disabledReason: "every delivery attempt failed for 3 days" });
    expect(await scoped.auditLog.findFirst({ where: { action: "webhook_endpoint.disabled", targetId: down.id } })).toMatchObject({ actorType: "system" });

    const before = received.length;
    const w = worker(biz, []);
    try {
      await w.drain();
    } finally {
      await w.stop();
    }
    const notices = received.slice(before).map((r) => JSON.parse(r.body));
    expect(notices).toEqual([expect.objectContaining({ type: "webhook_endpoint.disabled", data: expect.objectContaining({ webhookEndpointId: down.id }) })]);
    expect(await scoped.webhookDelivery.count({ where: { endpointId: watcher.id, status: "succeeded" } })).toBe(1);
  });

  it("a success ends the failing run, so an endpoint that recovers is never disabled", async () => {
    const biz = await createTestBusiness(db);
    const ep = await endpoint(biz, "/recovers", ["call.ended"]);
    answers.set("/recovers", [500, 500]);
    const t0 = new Date("2026-02-01T00:00:00Z");
    const event = await emitCallEvent({ db, cache }, { type: "call.ended", businessId: biz.business.id, callId: "c", data: {} });
    const [id] = await fanOutEvent({ db }, event);
    const deps = (at: number) => ({ db, logger, allowPrivateTargets: true, retryDelaysMs: [1, 1, 1], now: () => new Date(t0.getTime() + at) });
    expect(await deliverOnce(deps(0), biz.business.id, id!)).toBe("retrying");
    expect(await deliverOnce(deps(AUTO_DISABLE_AFTER_MS / 2), biz.business.id, id!)).toBe("retrying");
    expect(await deliverOnce(deps(AUTO_DISABLE_AFTER_MS - 1), biz.business.id, id!)).toBe("succeeded");
    expect(await forBusiness(db, biz.business.id).webhookEndpoint.findFirstOrThrow({ where: { id: ep.id } })).toMatchObject({ isActive: true, failingSince: null });
  });
});
