// The plan's minutes at the relay's door: a plan that refuses overage turns callers away
// politely once the month's minutes are used; a metered plan keeps answering; an upgrade is
// felt by the very next call.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantDb } from "@frontdesk/core/db/tenant";
import { openCallLog } from "@frontdesk/core/calls/open-call-log";
import { changePlan } from "@frontdesk/core/billing/change-plan";
import { PLAN_LIMITS } from "@frontdesk/core/billing/plans";
import { SYSTEM_ACTOR } from "@frontdesk/core/audit/record-audit";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testCache } from "../support/services.ts";
import { startCallPath, type CallPath } from "../call-path/harness.ts";

let path: CallPath;
const cache = testCache();
beforeAll(async () => {
  path = await startCallPath();
});
afterAll(async () => {
  await path.close();
  await cache.close();
});

/** A finished call this month that used `minutes`. */
async function usedThisMonth(biz: TestBusiness, minutes: number) {
  const log = await openCallLog(tenantDb(path.db, biz.business.id), {
    businessId: biz.business.id, callSid: `CA${crypto.randomUUID().replaceAll("-", "")}`, fromNumber: "+15550001111", toNumber: biz.phone.e164,
    status: "completed", endReason: "caller_hangup", endedAt: new Date(),
  });
  await tenantDb(path.db, biz.business.id).callLog.update({ where: { id: log.id }, data: { durationSec: minutes * 60 } });
}

const refusal = (name: string) => `Thanks for calling ${name}. We can't take your call right now. Please call again later. Goodbye.`;

describe("included minutes", () => {
  it("a free business past its minutes hears a polite refusal; upgraded to a metered plan, the next call is answered", async () => {
    const biz = await createTestBusiness(path.db, { name: "Quiet Month Bakery", plan: "free" });
    await usedThisMonth(biz, PLAN_LIMITS.free.monthlyCallMinutes);
    const refused = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    expect(refused.twiml).toMatchObject({ stream: null, hangup: true, says: [refusal("Quiet Month Bakery")] });
    expect(await tenantDb(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { callSid: refused.callSid } })).toMatchObject({ endReason: "plan_minutes_exhausted" });

    await changePlan({ db: path.db, cache }, biz.business.id, { plan: "starter", actor: SYSTEM_ACTOR, reason: "test upgrade" });
    await usedThisMonth(biz, PLAN_LIMITS.starter.monthlyCallMinutes);
    const answered = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    expect(answered.twiml?.stream).not.toBeNull();
    await answered.waitForHeard(100);
    await answered.hangUp();
  });
});
