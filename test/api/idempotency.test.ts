// Idempotency-Key on POSTs: a retry with the same key and body gets the first answer again,
// a different body is refused, and concurrent retries create one thing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { call, createSecretKey, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
let biz: TestBusiness;
let key: string;
beforeAll(async () => {
  api = await startApi();
  biz = await createTestBusiness(db, { plan: "enterprise" });
  key = (await createSecretKey(biz.business, ["knowledge:write", "phone_numbers:write"])).key;
});
afterAll(async () => {
  await api.close();
});

const idem = (k: string) => ({ "idempotency-key": k });

describe("Idempotency-Key", () => {
  it("the same key and body replays the first response, without doing it twice", async () => {
    const body = { title: "Returns", content: "Returns within 30 days with a receipt." };
    const first = await call(api, "POST", "/v1/knowledge", { key, body, headers: idem("create-returns-1") });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await call(api, "POST", "/v1/knowledge", { key, body: { content: body.content, title: body.title }, headers: idem("create-returns-1") });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await forBusiness(db, biz.business.id).rAGContent.count({ where: { title: "Returns" } })).toBe(1);
  });

  it("the same key with a different body is refused with 409", async () => {
    await call(api, "POST", "/v1/knowledge", { key, body: { title: "Hours", content: "9 to 5" }, headers: idem("hours-key") });
    const r = await call(api, "POST", "/v1/knowledge", { key, body: { title: "Hours", content: "10 to 6" }, headers: idem("hours-key") });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("idempotency_key_reused");
  });

  it("keys belong to one business: another business may use the same key", async () => {
    const other = await createTestBusiness(db, { plan: "enterprise" });
    const otherKey = (await createSecretKey(other.business, ["knowledge:write"])).key;
    const body = { title: "Shared key", content: "Different businesses, same idempotency key." };
    const mine = await call(api, "POST", "/v1/knowledge", { key, body, headers: idem("shared-key") });
    const theirs = await call(api, "POST", "/v1/knowledge", { key: otherKey, body, headers: idem("shared-key") });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it("concurrent retries of one request create one resource", async () => {
    const e164 = uniquePhoneNumber();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => call(api, "POST", "/v1/phone-numbers", { key, body: { e164 }, headers: idem(`attach-${e164}`) })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of results.filter((r) => r.status !== 201)) expect(r.body.code).toBe("idempotency_key_in_use");
    expect(await forBusiness(db, biz.business.id).phoneNumber.count({ where: { e164 } })).toBe(1);
  });

  it("a request that failed is not remembered: the same key may be retried", async () => {
    const taken = biz.phone.e164;
    const r1 = await call(api, "POST", "/v1/phone-numbers", { key, body: { e164: taken }, headers: idem("retry-after-failure") });
    expect(r1.status).toBe(409);
    expect(r1.body.code).toBe("phone_number_taken");
    const fresh = uniquePhoneNumber();
    const r2 = await call(api, "POST", "/v1/phone-numbers", { key, body: { e164: fresh }, headers: idem("retry-after-failure-2") });
    expect(r2.status).toBe(201);
    const r3 = await call(api, "POST", "/v1/phone-numbers", { key, body: { e164: taken }, headers: idem("retry-after-failure") });
    expect(r3.body.code).toBe("phone_number_taken");
  });
});
