// Accounts by mailed link: sign-up that never reveals whether an address has an account,
// password reset by a single-use expiring link, and changing one's name and password.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { hashToken, SESSION_COOKIE } from "@frontdesk/core/auth/tokens";
import { call, startApi, type Api } from "./support/api-harness.ts";
import { testConfig, testDb } from "../support/services.ts";
import { linkIn, startSmtpStandIn, type SmtpStandIn } from "../stand-ins/smtp.ts";

const DASHBOARD = "https://app.frontdesk.test";
const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase 7";
let api: Api;
let smtp: SmtpStandIn;
beforeAll(async () => {
  smtp = await startSmtpStandIn();
  api = await startApi({ config: testConfig({ SMTP_URL: smtp.url, DASHBOARD_URL: DASHBOARD }) });
});
afterAll(async () => {
  await api.close();
  await smtp.close();
});

const email = () => `acct-${randomBytes(5).toString("hex")}@example.test`;
const sessionOf = (r: { headers: Headers; body: { csrfToken: string } }) => ({
  cookie: r.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(";")[0]!.split("=")[1]!,
  csrf: r.body.csrfToken,
});
const askSignUp = (address: string, password = PASSWORD) => call(api, "POST", "/v1/auth/signup", { body: { email: address, password, name: "Ana Lima", businessName: "Ana's Salon" } });
const verify = (token: string) => call(api, "POST", "/v1/auth/verify-email", { body: { token } });
const login = (address: string, password: string) => call(api, "POST", "/v1/auth/login", { body: { email: address, password } });

async function signedUp() {
  const address = email();
  expect((await askSignUp(address)).status).toBe(202);
  const r = await verify(linkIn(await smtp.waitFor(address, /Confirm your email/), "/signup/verify").token);
  expect(r.status, r.text).toBe(201);
  return { address, session: sessionOf(r), userId: r.body.user.id as string };
}

describe("sign-up by mailed link", () => {
  it("answers a new and a taken address alike; the owner of the taken one is told, and nothing changes", async () => {
    const taken = await signedUp();
    const fresh = email();
    const a = await askSignUp(fresh);
    const b = await askSignUp(taken.address.toUpperCase(), "someone else's password 9");
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(Object.keys(a.body).sort()).toEqual(Object.keys(b.body).sort());
    expect(a.body.detail).toBe(b.body.detail);
    expect(a.headers.getSetCookie()).toEqual([]);
    const note = await smtp.waitFor(taken.address, /Someone tried to sign up/);
    expect(note.parsed.text).toContain(`${DASHBOARD}/forgot-password`);
    expect(note.parsed.text).not.toMatch(/token=/);
    // The existing password still works; the attempted one does not.
    expect((await login(taken.address, PASSWORD)).status).toBe(200);
    expect((await login(taken.address, "someone else's password 9")).status).toBe(401);
    // The new address got a link, and no account exists until it is followed.
    const mail = await smtp.waitFor(fresh, /Confirm your email/);
    expect(linkIn(mail, "/signup/verify").url.origin).toBe(DASHBOARD);
    expect(await testDb().user.findUnique({ where: { email: fresh } })).toBeNull();
    expect((await login(fresh, PASSWORD)).status).toBe(401);
  });

  it("the link makes the account with its business and signs in; it works once", async () => {
    const address = email();
    await askSignUp(address);
    const { token } = linkIn(await smtp.waitFor(address, /Confirm your email/), "/signup/verify");
    const first = await verify(token);
    expect(first.status, first.text).toBe(201);
    expect(first.body.memberships).toEqual([{ businessId: expect.stringMatching(/^biz_/), businessName: "Ana's Salon", role: "owner" }]);
    expect((await call(api, "GET", "/v1/auth/me", { session: sessionOf(first) })).status).toBe(200);
    const replay = await verify(token);
    expect(replay.status).toBe(400);
    expect(replay.body.code).toBe("link_invalid");
    expect(await testDb().business.count({ where: { name: "Ana's Salon", memberships: { some: { user: { email: address } } } } })).toBe(1);
  });

  it("an expired or unknown link is refused alike, and makes nothing", async () => {
    const address = email();
    await askSignUp(address);
    const { token } = linkIn(await smtp.waitFor(address, /Confirm your email/), "/signup/verify");
    await testDb().accountToken.update({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await verify(token);
    const unknown = await verify("not-a-real-token");
    for (const r of [expired, unknown]) {
      expect(r.status).toBe(400);
      expect(r.body.code).toBe("link_invalid");
    }
    expect(expired.body.detail).toBe(unknown.body.detail);
    expect(await testDb().user.findUnique({ where: { email: address } })).toBeNull();
  });

  it("of two links for one address, the second followed finds the account made: 409", async () => {
    const address = email();
    await askSignUp(address);
    await askSignUp(address);
    await smtp.waitFor(address, /Confirm your email/);
    await expect.poll(() => smtp.to(address).length, { timeout: 15_000 }).toBe(2);
    const [one, two] = smtp.to(address).map((m) => linkIn(m, "/signup/verify").token);
    expect((await verify(one!)).status).toBe(201);
    const second = await verify(two!);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe("email_taken");
  });
});

describe("mail per address", () => {
  it("sends at most five account mails an hour to one address, answering every request alike", async () => {
    const address = email();
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await askSignUp(address));
    expect(answers.map((a) => a.status)).toEqual(Array(7).fill(202));
    await expect.poll(() => smtp.to(address).length, { timeout: 15_000 }).toBe(5);
    // The capped requests sent nothing, even given time.
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.to(address)).toHaveLength(5);
  });
});

describe("password reset by mailed link", () => {
  const forgot = (address: string) => call(api, "POST", "/v1/auth/password/forgot", { body: { email: address } });
  const reset = (token: string, password = NEW_PASSWORD) => call(api, "POST", "/v1/auth/password/reset", { body: { token, password } });

  it("answers alike for unknown addresses, and mails nothing to them", async () => {
    const nobody = email();
    const { address } = await signedUp();
    const a = await forgot(nobody);
    const b = await forgot(address);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.detail).toBe(b.body.detail);
    await smtp.waitFor(address, /Reset your frontdesk password/);
    expect(smtp.to(nobody)).toEqual([]);
  });

  it("the link sets the new password, ends every session, signs in afresh, and works once", async () => {
    const { address, session } = await signedUp();
    await forgot(address);
    await forgot(address);
    await expect.poll(() => smtp.to(address).filter((m) => /Reset/.test(m.parsed.subject ?? "")).length, { timeout: 15_000 }).toBe(2);
    const [first, second] = smtp.to(address).filter((m) => /Reset/.test(m.parsed.subject ?? "")).map((m) => linkIn(m, "/reset-password").token);
    const r = await reset(first!);
    expect(r.status, r.text).toBe(200);
    expect(r.body.user.email).toBe(address);
    expect((await call(api, "GET", "/v1/auth/me", { session })).status).toBe(401);
    expect((await call(api, "GET", "/v1/auth/me", { session: sessionOf(r) })).status).toBe(200);
    expect((await login(address, PASSWORD)).status).toBe(401);
    expect((await login(address, NEW_PASSWORD)).status).toBe(200);
    // Replayed, and the other outstanding link, are both dead.
    for (const token of [first!, second!]) {
      const again = await reset(token, "yet another passphrase 3");
      expect(again.status).toBe(400);
      expect(again.body.code).toBe("link_invalid");
    }
    expect((await login(address, NEW_PASSWORD)).status).toBe(200);
  });

  it("an expired link is refused and the password stays", async () => {
    const { address } = await signedUp();
    await forgot(address);
    const { token } = linkIn(await smtp.waitFor(address, /Reset/), "/reset-password");
    await testDb().accountToken.update({ where: { tokenHash: hashToken(token) }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const r = await reset(token);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("link_invalid");
    expect((await login(address, PASSWORD)).status).toBe(200);
  });

  it("a weak new password is refused before the link is spent", async () => {
    const { address } = await signedUp();
    await forgot(address);
    const { token } = linkIn(await smtp.waitFor(address, /Reset/), "/reset-password");
    const weak = await reset(token, "short");
    expect(weak.status).toBe(400);
    expect(weak.body.errors[0].path).toBe("body.password");
    expect((await reset(token)).status).toBe(200);
  });

  it("a sign-up link cannot reset a password", async () => {
    const address = email();
    await askSignUp(address);
    const { token } = linkIn(await smtp.waitFor(address, /Confirm your email/), "/signup/verify");
    expect((await reset(token)).body.code).toBe("link_invalid");
    expect((await verify(token)).status).toBe(201);
  });
});

describe("changing one's name and password", () => {
  it("renames the user", async () => {
    const { session } = await signedUp();
    const r = await call(api, "PATCH", "/v1/auth/me", { session, body: { name: "  Ana Lima Souza " } });
    expect(r.status, r.text).toBe(200);
    expect(r.body.user.name).toBe("Ana Lima Souza");
    expect((await call(api, "GET", "/v1/auth/me", { session })).body.user.name).toBe("Ana Lima Souza");
    expect((await call(api, "PATCH", "/v1/auth/me", { session, body: { name: "   " } })).status).toBe(400);
  });

  it("needs the current password; ends the other sessions and keeps this one", async () => {
    const { address, session } = await signedUp();
    const other = sessionOf(await login(address, PASSWORD));
    const wrong = await call(api, "POST", "/v1/auth/password", { session, body: { currentPassword: "not my password", newPassword: NEW_PASSWORD } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([{ path: "body.currentPassword", message: "is not your current password" }]);
    expect((await call(api, "GET", "/v1/auth/me", { session: other })).status).toBe(200);
    const weak = await call(api, "POST", "/v1/auth/password", { session, body: { currentPassword: PASSWORD, newPassword: "short" } });
    expect(weak.body.errors[0].path).toBe("body.newPassword");
    const ok = await call(api, "POST", "/v1/auth/password", { session, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(ok.status, ok.text).toBe(204);
    expect((await call(api, "GET", "/v1/auth/me", { session })).status).toBe(200);
    expect((await call(api, "GET", "/v1/auth/me", { session: other })).status).toBe(401);
    expect((await login(address, PASSWORD)).status).toBe(401);
    expect((await login(address, NEW_PASSWORD)).status).toBe(200);
  });

  it("without the CSRF token, nothing changes", async () => {
    const { session } = await signedUp();
    const r = await call(api, "POST", "/v1/auth/password", { session: { ...session, csrf: "" }, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("csrf_failed");
  });
});
