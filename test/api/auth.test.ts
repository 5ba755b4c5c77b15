// Dashboard accounts: sign-up, login, logout, the session cookie, CSRF, and throttling.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { SESSION_COOKIE } from "@frontdesk/core/auth/tokens";
import { call, startApi, type Api } from "./support/api-harness.ts";
import { testConfig, testDb } from "../support/services.ts";
import { linkIn, startSmtpStandIn, type SmtpStandIn } from "../stand-ins/smtp.ts";

const DASHBOARD = new URL(testConfig().dashboardUrl).origin;
let api: Api;
let smtp: SmtpStandIn;
beforeAll(async () => {
  smtp = await startSmtpStandIn();
  api = await startApi({ config: testConfig({ SMTP_URL: smtp.url }) });
});
afterAll(async () => {
  await api.close();
  await smtp.close();
});

const email = () => `user-${randomBytes(5).toString("hex")}@Example.test`;
const PASSWORD = "correct horse battery staple";

function cookieFrom(res: { headers: Headers }): { value: string; attributes: string } {
  const raw = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!;
  return { value: raw.split(";")[0]!.split("=")[1]!, attributes: raw };
}

/** Signs up the way a person does: asks, follows the mailed link, is signed in. */
async function signUp(opts: { businessName?: string } = {}) {
  const address = email();
  const asked = await call(api, "POST", "/v1/auth/signup", { body: { email: address, password: PASSWORD, name: "Rosa Diaz", ...opts } });
  expect(asked.status, asked.text).toBe(202);
  const mail = await smtp.waitFor(address, /Confirm your email/);
  const r = await call(api, "POST", "/v1/auth/verify-email", { body: { token: linkIn(mail, "/signup/verify").token } });
  expect(r.status, r.text).toBe(201);
  return { address, r, session: { cookie: cookieFrom(r).value, csrf: r.body.csrfToken as string } };
}

describe("sign-up and login", () => {
  it("following the mailed link creates the user and their business (email verified), signs them in with an httpOnly SameSite cookie, and never stores the password", async () => {
    const { address, r, session } = await signUp({ businessName: "Rosa's Bakery" });
    expect(r.body.user.email).toBe(address.toLowerCase());
    expect(r.body.memberships).toEqual([{ businessId: expect.stringMatching(/^biz_/), businessName: "Rosa's Bakery", role: "owner" }]);
    const { attributes } = cookieFrom(r);
    expect(attributes).toMatch(/HttpOnly/i);
    expect(attributes).toMatch(/SameSite=Lax/i);
    expect(attributes).toMatch(/Path=\//);
    const user = await testDb().user.findUniqueOrThrow({ where: { email: address.toLowerCase() } });
    expect(user.passwordHash).toMatch(/^\$2[aby]\$/);
    expect(user.passwordHash).not.toContain(PASSWORD);
    expect(user.emailVerifiedAt).not.toBeNull();
    const me = await call(api, "GET", "/v1/auth/me", { session });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);
  });

  it("a weak password is refused with the reason", async () => {
    const r = await call(api, "POST", "/v1/auth/signup", { body: { email: email(), password: "short", name: "X" } });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].path).toBe("body.password");
  });

  it("login with the right password signs in; a wrong password and an unknown email get the same 401", async () => {
    const { address } = await signUp();
    const ok = await call(api, "POST", "/v1/auth/login", { body: { email: address, password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(cookieFrom(ok).value.length).toBeGreaterThan(30);
    const wrong = await call(api, "POST", "/v1/auth/login", { body: { email: address, password: "not the password" } });
    const unknown = await call(api, "POST", "/v1/auth/login", { body: { email: email(), password: "not the password" } });
    for (const r of [wrong, unknown]) {
      expect(r.status).toBe(401);
      expect(r.body.code).toBe("invalid_credentials");
      expect(r.headers.getSetCookie()).toEqual([]);
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it("logout ends the session: the cookie no longer works", async () => {
    const { session } = await signUp();
    const out = await call(api, "POST", "/v1/auth/logout", { session });
    expect(out.status).toBe(204);
    const me = await call(api, "GET", "/v1/auth/me", { session });
    expect(me.status).toBe(401);
    expect(me.body.code).toBe("session_expired");
  });
});

describe("CSRF", () => {
  it("a cookie-authenticated change without the CSRF token is refused", async () => {
    const { session } = await signUp();
    const r = await call(api, "POST", "/v1/businesses", { session: { ...session, csrf: "" }, body: { name: "Sneaky" } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("csrf_failed");
  });

  it("another session's CSRF token does not work", async () => {
    const a = await signUp();
    const b = await signUp();
    const r = await call(api, "POST", "/v1/businesses", { session: { cookie: a.session.cookie, csrf: b.session.csrf }, body: { name: "Sneaky" } });
    expect(r.status).toBe(403);
  });

  it("a change from a foreign origin is refused even with the token; the dashboard's origin works", async () => {
    const { session } = await signUp();
    const evil = await call(api, "POST", "/v1/businesses", { session, origin: "https://evil.example", body: { name: "Sneaky" } });
    expect(evil.status).toBe(403);
    const ok = await call(api, "POST", "/v1/businesses", { session, origin: DASHBOARD, body: { name: "Legit" } });
    expect(ok.status).toBe(201);
  });

  it("the dashboard origin gets credentialed CORS; other origins get none", async () => {
    const pre = await fetch(`${api.url}/v1/calls`, { method: "OPTIONS", headers: { origin: DASHBOARD, "access-control-request-method": "GET" } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe(DASHBOARD);
    expect(pre.headers.get("access-control-allow-credentials")).toBe("true");
    expect(pre.headers.get("access-control-allow-headers")).toMatch(/X-CSRF-Token/);
    const evil = await fetch(`${api.url}/v1/calls`, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("throttling", () => {
  it("an account is locked after repeated failures, even with the right password, and says when to retry", async () => {
    const strict = await startApi({ loginThrottle: { maxFailuresPerAccount: 3, maxFailuresPerIp: 1000, windowMs: 60_000 }, isolated: true });
    try {
      const { address } = await signUp();
      for (let i = 0; i < 3; i++) expect((await call(strict, "POST", "/v1/auth/login", { body: { email: address, password: `wrong guess ${i}` } })).status).toBe(401);
      const locked = await call(strict, "POST", "/v1/auth/login", { body: { email: address, password: PASSWORD } });
      expect(locked.status).toBe(429);
      expect(locked.body.code).toBe("login_throttled");
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });

  it("auth endpoints are rate limited per IP, with RateLimit headers and Retry-After", async () => {
    const strict = await startApi({ rateLimits: { authPerIp: 3 }, isolated: true });
    try {
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await call(strict, "POST", "/v1/auth/login", { body: { email: email(), password: "whatever it is" } });
        statuses.push(last.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect(last!.headers.get("ratelimit-policy")).toMatch(/"auth"; q=3; w=60/);
      expect(last!.headers.get("ratelimit")).toMatch(/"auth"; r=0; t=\d+/);
      expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(last!.headers.get("content-type")).toMatch(/problem\+json/);
    } finally {
      await strict.close();
    }
  });
});
