// A phone call's minutes come from Twilio's final status callback, through the relay's real
// route: one UsageEvent and one meter job per call, however often Twilio repeats itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { METER_CALL_JOB } from "@frontdesk/core/billing/record-call-usage";
import { createTestBusiness } from "../support/fixtures.ts";
import { sid } from "../stand-ins/twilio-simulator.ts";
import { startCallPath, type CallPath } from "../call-path/harness.ts";

let path: CallPath;
beforeAll(async () => {
  path = await startCallPath();
});
afterAll(async () => {
  await path.close();
});

describe("call minutes from Twilio", () => {
  it("the final CallDuration, rounded up to minutes, is recorded once and queued for Stripe once", async () => {
    const biz = await createTestBusiness(path.db);
    const callSid = sid("CA");
    await path.twilio.postVoice({ callSid, from: "+15550001111", to: biz.phone.e164 });
    for (const status of ["in-progress", "completed", "completed"] as const) {
      const durationSec = status === "completed" ? 185 : undefined;
      expect((await path.twilio.postStatus({ callSid, status, durationSec, to: biz.phone.e164 })).status).toBe(204);
    }
    const scoped = forBusiness(path.db, biz.business.id);
    const call = await scoped.callLog.findUniqueOrThrow({ where: { callSid } });
    expect(await scoped.usageEvent.findMany()).toEqual([expect.objectContaining({ kind: "call_minutes", quantity: 4, callId: call.id })]);
    const jobs = await scoped.job.findMany({ where: { kind: METER_CALL_JOB } });
    expect(jobs.map((j) => j.payload)).toEqual([{ callId: call.id, overageMinutes: 0 }]);
  });
});
