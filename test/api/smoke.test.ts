import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, call, createSecretKey, sessionFor, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

let api: Api;
let biz: TestBusiness;
beforeAll(async () => {
  api = await startApi();
  biz = await createTestBusiness(testDb());
  await seedCalls(biz.business, biz.phone.e164, { count: 5, withTranscript: true });
});
afterAll(async () => {
  await api.close();
});

describe("smoke", () => {
  it("lists calls with a key", async () => {
    const { key } = await createSecretKey(biz.business, ["calls:read"]);
    const r = await call(api, "GET", "/v1/calls?limit=2", { key });
    console.log(r.status, JSON.stringify(r.body).slice(0, 400), [...r.headers.entries()]);
    expect(r.status).toBe(200);
    const s = await sessionFor(api, biz.owner);
    const r2 = await call(api, "GET", "/v1/agent-config", { session: s });
    console.log(r2.status, JSON.stringify(r2.body).slice(0, 300));
    const r3 = await call(api, "PATCH", "/v1/agent-config", { session: s, body: { voice: "nope" } });
    console.log(r3.status, JSON.stringify(r3.body).slice(0, 600));
    const r4 = await call(api, "GET", "/v1/nothing", { session: s });
    console.log(r4.status, JSON.stringify(r4.body).slice(0, 600));
  });
});
