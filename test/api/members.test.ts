// Team management: invitations accepted by the invited email only, roles changed by those
// allowed to, and a business never left without an owner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@frontdesk/core/auth/create-user";
import { addMember, call, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testConfig, testDb } from "../support/services.ts";
import { linkIn, startSmtpStandIn, type SmtpStandIn } from "../stand-ins/smtp.ts";

const db = testDb();
let api: Api;
let biz: TestBusiness;
let owner: { cookie: string; csrf: string };
let smtp: SmtpStandIn;

beforeAll(async () => {
  smtp = await startSmtpStandIn();
  api = await startApi({ config: testConfig({ SMTP_URL: smtp.url, DASHBOARD_URL: "https://app.frontdesk.test" }) });
  biz = await createTestBusiness(db, { plan: "enterprise" });
  owner = await sessionFor(api, biz.owner);
});
afterAll(async () => {
  await api.close();
  await smtp.close();
});

async function newUser(email: string) {
  const user = await createUser(db, { email, name: email.split("@")[0]!, passwordHash: "x" });
  return { user, session: await sessionFor(api, user) };
}

describe("members and invitations", () => {
  it("an invited person joins with the token and their role; the token works once", async () => {
    const email = `sam-${Date.now()}@example.test`;
    const invite = await call(api, "POST", "/v1/invites", { session: owner, body: { email: email.toUpperCase(), role: "admin" } });
    expect(invite.status, invite.text).toBe(201);
    expect(invite.body).toMatchObject({ email, role: "admin", status: "pending", token: expect.any(String) });
    const listed = await call(api, "GET", "/v1/invites", { session: owner });
    expect(listed.text).not.toContain(invite.body.token);
    const mail = await smtp.waitFor(email, /invited you/);
    expect(mail.parsed.subject).toBe(`${biz.owner.name} invited you to ${biz.business.name} on frontdesk`);
    expect(mail.parsed.text).toContain("as an admin");
    const link = linkIn(mail, "/invite");
    expect(link.url.origin).toBe("https://app.frontdesk.test");
    expect(link.token).toBe(invite.body.token);
    const sam = await newUser(email);
    const accepted = await call(api, "POST", "/v1/invites/accept", { session: sam.session, body: { token: invite.body.token } });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.memberships).toEqual([{ businessId: biz.business.id, businessName: biz.business.name, role: "admin" }]);
    expect((await call(api, "POST", "/v1/invites/accept", { session: sam.session, body: { token: invite.body.token } })).status).toBe(404);
    const members = await call(api, "GET", "/v1/members", { session: owner });
    expect(members.body.data.map((m: { email: string; role: string }) => [m.email, m.role])).toContainEqual([email, "admin"]);
  });

  it("someone else signed in cannot use an invitation sent to another email; a revoked one is dead", async () => {
    const invite = await call(api, "POST", "/v1/invites", { session: owner, body: { email: `lee-${Date.now()}@example.test`, role: "viewer" } });
    const stranger = await newUser(`stranger-${Date.now()}@example.test`);
    const r = await call(api, "POST", "/v1/invites/accept", { session: stranger.session, body: { token: invite.body.token } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("invite_email_mismatch");
    const revoked = await call(api, "DELETE", `/v1/invites/${invite.body.id}`, { session: owner });
    expect(revoked.body.status).toBe("revoked");
  });

  it("admins manage viewers but not owners; only an owner makes an owner", async () => {
    const admin = await sessionFor(api, await addMember(biz.business, "admin"));
    const viewerUser = await addMember(biz.business, "viewer");
    const members = (await call(api, "GET", "/v1/members?limit=100", { session: owner })).body.data as { id: string; userId: string; role: string }[];
    const viewer = members.find((m) => m.userId === viewerUser.id)!;
    const ownerMember = members.find((m) => m.userId === biz.owner.id)!;
    expect((await call(api, "PATCH", `/v1/members/${viewer.id}`, { session: admin, body: { role: "admin" } })).status).toBe(200);
    const promote = await call(api, "PATCH", `/v1/members/${viewer.id}`, { session: admin, body: { role: "owner" } });
    expect(promote.status).toBe(403);
    const demoteOwner = await call(api, "DELETE", `/v1/members/${ownerMember.id}`, { session: admin });
    expect(demoteOwner.status).toBe(403);
    expect((await call(api, "POST", "/v1/invites", { session: admin, body: { email: "boss@example.test", role: "owner" } })).status).toBe(403);
  });

  it("the last owner can be neither demoted nor removed", async () => {
    const solo = await createTestBusiness(db);
    const soloOwner = await sessionFor(api, solo.owner);
    const [me] = (await call(api, "GET", "/v1/members", { session: soloOwner })).body.data;
    const demote = await call(api, "PATCH", `/v1/members/${me.id}`, { session: soloOwner, body: { role: "admin" } });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe("last_owner");
    expect((await call(api, "DELETE", `/v1/members/${me.id}`, { session: soloOwner })).status).toBe(409);
  });

  it("a removed member loses access to the business at once", async () => {
    const leaving = await addMember(biz.business, "viewer");
    const session = await sessionFor(api, leaving);
    expect((await call(api, "GET", "/v1/calls", { session })).status).toBe(200);
    const m = ((await call(api, "GET", "/v1/members?limit=100", { session: owner })).body.data as { id: string; userId: string }[]).find((x) => x.userId === leaving.id)!;
    expect((await call(api, "DELETE", `/v1/members/${m.id}`, { session: owner })).status).toBe(204);
    const after = await call(api, "GET", "/v1/calls", { session });
    expect(after.status).toBe(404);
    expect(after.body.code).toBe("no_business");
  });
});
