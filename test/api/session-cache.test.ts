// Sessions are resolved from an in-process cache, and signing out ends the session on every
// instance at once (Redis pub/sub), not when the other instance's cache expires.
import { afterAll, beforeAll, expect, it } from "vitest";
import { call, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

let a: Api;
let b: Api; // a second instance sharing the database and Redis
beforeAll(async () => {
  [a, b] = [await startApi(), await startApi()];
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});

it("a signed-out session is refused on another instance within a second", async () => {
  const { owner } = await createTestBusiness(testDb(), { name: "Session Cache Co" });
  const session = await sessionFor(a, owner);
  // Both instances have resolved (and cached) the session.
  for (const api of [a, b]) expect((await call(api, "GET", "/v1/auth/me", { session })).status).toBe(200);
  const out = await call(a, "POST", "/v1/auth/logout", { session });
  expect(out.status, out.text).toBeLessThan(300);
  const refusedBy = Date.now() + 1000;
  let last = await call(b, "GET", "/v1/auth/me", { session });
  while (last.status === 200 && Date.now() < refusedBy) {
    await new Promise((r) => setTimeout(r, 50));
    last = await call(b, "GET", "/v1/auth/me", { session });
  }
  expect(last.status).toBe(401);
  expect(last.body.code).toBe("session_expired");
  expect((await call(a, "GET", "/v1/auth/me", { session })).status).toBe(401);
});
