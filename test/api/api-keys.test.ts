// Secret API keys: shown once, stored as a hash, scoped, revoked on every instance at once,
// rotated with an overlap window, and their last use recorded at most once a minute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { addMember, call, createSecretKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
let other: Api; // a second instance of the API sharing the database and Redis
let biz: TestBusiness;
let owner: { cookie: string; csrf: string };

beforeAll(async () => {
  [api, other] = [await startApi(), await startApi()];
  biz = await createTestBusiness(db, { plan: "enterprise" });
  owner = await sessionFor(api, biz.owner);
});
afterAll(async () => {
  await Promise.all([api.close(), other.close()]);
});

async function newKey(scopes: string[], extra: Record<string, unknown> = {}) {
  const r = await call(api, "POST", "/v1/api-keys", { session: owner, body: { name: "Zapier", scopes, ...extra } });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; secret: string; prefix: string; last4: string; status: string };
}

describe("API keys", () => {
  it("a new key is shown once, then only by prefix and last 4; the database holds no usable secret", async () => {
    const key = await newKey(["calls:read"]);
    expect(key.secret).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);
    expect(key.secret.startsWith(key.prefix)).toBe(true);
    expect(key.secret.endsWith(key.last4)).toBe(true);
    const listed = await call(api, "GET", "/v1/api-keys", { session: owner });
    expect(listed.text).not.toContain(key.secret);
    expect(listed.body.data.find((k: { id: string }) => k.id === key.id)).toMatchObject({ prefix: key.prefix, last4: key.last4, status: "active" });
    const row = await forBusiness(db, biz.business.id).apiKey.findFirstOrThrow({ where: { id: key.id } });
    expect(JSON.stringify(row)).not.toContain(key.secret);
  });

  it("a key does what its scopes allow and nothing else", async () => {
    const key = await newKey(["calls:read"]);
    expect((await call(api, "GET", "/v1/calls", { key: key.secret })).status).toBe(200);
    const denied = await call(api, "GET", "/v1/knowledge", { key: key.secret });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain("knowledge:read");
    const write = await newKey(["knowledge:write"]);
    expect((await call(api, "GET", "/v1/knowledge", { key: write.secret })).status).toBe(200);
  });

  it("a revoked key stops working at once, on every instance", async () => {
    const key = await newKey(["calls:read"]);
    // Both instances have the key cached as valid.
    expect((await call(api, "GET", "/v1/calls", { key: key.secret })).status).toBe(200);
    expect((await call(other, "GET", "/v1/calls", { key: key.secret })).status).toBe(200);
    const revoked = await call(api, "DELETE", `/v1/api-keys/${key.id}`, { session: owner });
    expect(revoked.body.status).toBe("revoked");
    // The invalidation travels over Redis pub/sub; give it a moment, not the cache's 10 s.
    await new Promise((r) => setTimeout(r, 100));
    for (const instance of [api, other]) {
      const r = await call(instance, "GET", "/v1/calls", { key: key.secret });
      expect(r.status).toBe(401);
      expect(r.body.code).toBe("invalid_api_key");
    }
  });

  it("rotation gives a new key at once and keeps the old one working until the overlap ends", async () => {
    const old = await newKey(["calls:read", "analytics:read"]);
    const r = await call(api, "POST", `/v1/api-keys/${old.id}/rotate`, { session: owner, body: { overlapSeconds: 1 } });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ rotatedFromId: old.id, scopes: ["calls:read", "analytics:read"], name: "Zapier", status: "active" });
    expect(r.body.secret).not.toBe(old.secret);
    expect((await call(api, "GET", "/v1/calls", { key: r.body.secret })).status).toBe(200);
    expect((await call(api, "GET", "/v1/calls", { key: old.secret })).status).toBe(200);
    const before = await call(api, "GET", `/v1/api-keys/${old.id}`, { session: owner });
    expect(Date.parse(before.body.expiresAt) - Date.now()).toBeLessThanOrEqual(1000);
    await new Promise((res) => setTimeout(res, 1100));
    expect((await call(api, "GET", "/v1/calls", { key: old.secret })).status).toBe(401);
    expect((await call(api, "GET", "/v1/calls", { key: r.body.secret })).status).toBe(200);
    expect((await call(api, "GET", `/v1/api-keys/${old.id}`, { session: owner })).body.status).toBe("expired");
  });

  it("a revoked key cannot be rotated", async () => {
    const key = await newKey(["calls:read"]);
    await call(api, "DELETE", `/v1/api-keys/${key.id}`, { session: owner });
    const r = await call(api, "POST", `/v1/api-keys/${key.id}/rotate`, { session: owner, body: {} });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("key_not_active");
  });

  it("a key past its expiry is refused; an expiry in the past is refused at creation", async () => {
    const past = await call(api, "POST", "/v1/api-keys", { session: owner, body: { name: "old", scopes: ["calls:read"], expiresAt: "2001-01-01T00:00:00Z" } });
    expect(past.status).toBe(400);
    const { key } = await createSecretKey(biz.business, ["calls:read"], { expiresAt: new Date(Date.now() - 1000) });
    expect((await call(api, "GET", "/v1/calls", { key })).status).toBe(401);
  });

  it("lastUsedAt is recorded on use, and written at most once a minute", async () => {
    const key = await newKey(["calls:read"]);
    expect((await call(api, "GET", `/v1/api-keys/${key.id}`, { session: owner })).body.lastUsedAt).toBeNull();
    await call(api, "GET", "/v1/calls", { key: key.secret });
    await new Promise((r) => setTimeout(r, 100));
    const first = (await call(api, "GET", `/v1/api-keys/${key.id}`, { session: owner })).body.lastUsedAt;
    expect(Date.now() - Date.parse(first)).toBeLessThan(5000);
    // Many uses on two instances within the minute: the stored time does not move.
    for (let i = 0; i < 5; i++) await Promise.all([call(api, "GET", "/v1/calls", { key: key.secret }), call(other, "GET", "/v1/calls", { key: key.secret })]);
    await new Promise((r) => setTimeout(r, 100));
    expect((await call(api, "GET", `/v1/api-keys/${key.id}`, { session: owner })).body.lastUsedAt).toBe(first);
  });

  it("only owners and admins manage keys", async () => {
    const admin = await sessionFor(api, await addMember(biz.business, "admin"));
    const viewer = await sessionFor(api, await addMember(biz.business, "viewer"));
    expect((await call(api, "POST", "/v1/api-keys", { session: admin, body: { name: "a", scopes: ["usage:read"] } })).status).toBe(201);
    const r = await call(api, "POST", "/v1/api-keys", { session: viewer, body: { name: "v", scopes: ["usage:read"] } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("insufficient_role");
  });

  it("creating and revoking keys is written to the audit log", async () => {
    const key = await newKey(["usage:read"]);
    await call(api, "DELETE", `/v1/api-keys/${key.id}`, { session: owner });
    const log = await forBusiness(db, biz.business.id).auditLog.findMany({ where: { targetId: key.id }, orderBy: { createdAt: "asc" } });
    expect(log.map((l) => l.action)).toEqual(["api_key.created", "api_key.revoked"]);
    expect(log[0]).toMatchObject({ actorType: "user", actorId: biz.owner.id });
  });
});
