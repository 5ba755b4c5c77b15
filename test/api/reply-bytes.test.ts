// Replies are written straight from one JSON.stringify in production; tests validate
// responses through res.json. Both must put the same bytes and headers on the wire.
import { afterAll, beforeAll, expect, it } from "vitest";
import { API_KEY_SCOPES } from "@frontdesk/core/auth/api-keys";
import { call, createSecretKey, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

let validated: Api;
let production: Api;
let key: string;
beforeAll(async () => {
  [validated, production] = [await startApi(), await startApi({ validateResponses: false })];
  const t = await createTestBusiness(testDb(), { name: "Reply Bytes Co" });
  await seedCalls(t.business, t.phone.e164, { count: 3, withTranscript: false, summaryMarker: "héllo “quoted” 🙂" });
  key = (await createSecretKey(t.business, API_KEY_SCOPES)).key;
});
afterAll(async () => {
  await Promise.all([validated.close(), production.close()]);
});

it.each(["/v1/calls", "/v1/agent-config", "/v1/knowledge", "/v1/usage"])("GET %s: same status, body and content headers either way", async (path) => {
  const [a, b] = [await call(validated, "GET", path, { key }), await call(production, "GET", path, { key })];
  expect(a.status).toBe(200);
  expect(b.status).toBe(a.status);
  expect(b.text).toBe(a.text);
  for (const h of ["content-type", "content-length", "cache-control", "ratelimit-policy"]) expect(b.headers.get(h), h).toBe(a.headers.get(h));
});
