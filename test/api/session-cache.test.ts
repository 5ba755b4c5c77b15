// Sessions are resolved from an in-process cache, and signing out ends the session on every
// instance at once (Redis pub/sub), not when the other instance's cache expires.
import { afterAll, beforeAll, expect, it } from "vitest";
import { call, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";
import { createUser } from "@frontdesk/core/auth/create-user";
import { hashPassword } from "@frontdesk/core/auth/password";

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

it("a password change ends the user's other sessions on every instance, and a rename shows everywhere", async () => {
  const email = `cache-${Date.now()}@example.test`;
  const password = "a sturdy passphrase 42";
  await createUser(testDb(), { email, name: "Before", passwordHash: await hashPassword(password, 4), emailVerifiedAt: new Date() });
  const login = async () => {
    const r = await call(a, "POST", "/v1/auth/login", { body: { email, password } });
    expect(r.status, r.text).toBe(200);
    return { cookie: /fd_session=([^;]+)/.exec(r.headers.get("set-cookie") ?? "")![1]!, csrf: r.body.csrfToken as string };
  };
  const mine = await login();
  const other = await login();
  // b has both sessions cached, with the old name.
  for (const session of [mine, other]) expect((await call(b, "GET", "/v1/auth/me", { session })).body.user.name).toBe("Before");
  expect((await call(a, "PATCH", "/v1/auth/me", { session: mine, body: { name: "After" } })).status).toBe(200);
  const changed = await call(a, "POST", "/v1/auth/password", { session: mine, body: { currentPassword: password, newPassword: "another sturdy passphrase 43" } });
  expect(changed.status, changed.text).toBe(204);
  await new Promise((r) => setTimeout(r, 300)); // pub/sub, not the cache's 10 s
  const kept = await call(b, "GET", "/v1/auth/me", { session: mine });
  expect(kept.status).toBe(200);
  expect(kept.body.user.name).toBe("After");
  expect((await call(b, "GET", "/v1/auth/me", { session: other })).status).toBe(401);
});
