// Small reads the dashboard needs: the calls live right now, the knowledge categories with
// their counts, and an invitation looked up by its token before signing in. Each read is
// tried with a second business holding data of the same kind.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { call, createSecretKey, sessionFor, startApi, type Api } from "./support/api-harness.ts";
import { seedCalls } from "./support/call-data.ts";
import { createTestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";

const db = testDb();
let api: Api;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api.close();
});

describe("live calls", () => {
  it("lists only the business's calls ringing or in progress, newest first", async () => {
    const a = await createTestBusiness(db);
    const b = await createTestBusiness(db);
    const [newest, middle] = await seedCalls(a.business, a.phone.e164, { count: 3 });
    await forBusiness(db, a.business.id).callLog.update({ where: { id: newest!.id }, data: { status: "in_progress", endedAt: null } });
    await forBusiness(db, a.business.id).callLog.update({ where: { id: middle!.id }, data: { status: "ringing", endedAt: null } });
    const [theirs] = await seedCalls(b.business, b.phone.e164, { count: 1 });
    await forBusiness(db, b.business.id).callLog.update({ where: { id: theirs!.id }, data: { status: "in_progress", endedAt: null } });

    const key = await createSecretKey(a.business, ["calls:read"]);
    const r = await call(api, "GET", "/v1/calls/live", { key: key.key });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data.map((c: { id: string; status: string }) => [c.id, c.status])).toEqual([[newest!.id, "in_progress"], [middle!.id, "ringing"]]);
    expect(r.body.has_more).toBe(false);
    expect(r.text).not.toContain(theirs!.id);
    const viaSession = await call(api, "GET", "/v1/calls/live", { session: await sessionFor(api, b.owner) });
    expect(viaSession.body.data.map((c: { id: string }) => c.id)).toEqual([theirs!.id]);
  });
});

describe("knowledge categories", () => {
  it("counts documents (and indexed ones) per category, the uncategorised last, for the business only", async () => {
    const a = await createTestBusiness(db, {
      knowledge: [
        { title: "Haircut prices", content: "A haircut costs 30 dollars.", category: "Prices" },
        { title: "Colour prices", content: "Colouring costs 80 dollars.", category: "Prices" },
        { title: "Parking", content: "Free parking behind the salon.", category: "Directions" },
        { title: "Wifi", content: "Guests may use the wifi." },
      ],
    });
    await forBusiness(db, a.business.id).rAGContent.create({ data: { businessId: a.business.id, title: "Draft", content: "Not indexed yet.", category: "Prices" } });
    await createTestBusiness(db, { knowledge: [{ title: "Secret", content: "Other business's doc.", category: "Zebra secrets" }] });
    const r = await call(api, "GET", "/v1/knowledge/categories", { session: await sessionFor(api, a.owner) });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data).toEqual([
      { category: "Directions", count: 1, indexed: 1 },
      { category: "Prices", count: 3, indexed: 2 },
      { category: null, count: 1, indexed: 1 },
    ]);
    expect(r.text).not.toContain("Zebra secrets");
  });
});

describe("invitation lookup", () => {
  it("shows the business, inviter, role, email and expiry without a session", async () => {
    const t = await createTestBusiness(db, { name: "Rosa's Bakery" });
    const owner = await sessionFor(api, t.owner);
    const invite = await call(api, "POST", "/v1/invites", { session: owner, body: { email: "ana@example.test", role: "admin" } });
    const r = await call(api, "POST", "/v1/invites/lookup", { body: { token: invite.body.token } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ businessName: "Rosa's Bakery", inviterName: t.owner.name, email: "ana@example.test", role: "admin", status: "pending", expiresAt: invite.body.expiresAt });
    await call(api, "DELETE", `/v1/invites/${invite.body.id}`, { session: owner });
    expect((await call(api, "POST", "/v1/invites/lookup", { body: { token: invite.body.token } })).body.status).toBe("revoked");
  });

  it("an unknown token is 404 invite_not_found", async () => {
    const r = await call(api, "POST", "/v1/invites/lookup", { body: { token: "not-a-real-token" } });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe("invite_not_found");
  });
});
