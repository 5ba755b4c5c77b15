import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import { sid } from "../stand-ins/twilio-simulator.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";

let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath();
  biz = await createTestBusiness(path.db);
});
afterAll(async () => {
  await path.close();
});

const log = (callSid: string) => forBusiness(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { callSid } });

describe("status callback", () => {
  it("refuses a forged signature with 403 and changes nothing", async () => {
    const callSid = sid("CA");
    await path.twilio.postVoice({ callSid, from: "+15550001111", to: biz.phone.e164 });
    const r = await path.twilio.postStatus({ callSid, status: "completed", durationSec: 9, to: biz.phone.e164 }, { forge: true });
    expect(r.status).toBe(403);
    expect(await log(callSid)).toMatchObject({ status: "ringing", durationSec: null });
  });

  it("answers 400 to an unknown status and 204 to a call it does not know", async () => {
    expect((await path.twilio.postStatus({ callSid: sid("CA"), status: "exploded" })).status).toBe(400);
    expect((await path.twilio.postStatus({ callSid: sid("CA"), status: "completed", to: uniquePhoneNumber() })).status).toBe(204);
  });

  it("a completed status that overtakes the stream is kept: later in-progress callbacks and the stream's end do not undo it", async () => {
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    await phone.waitForHeard(200);
    expect((await path.twilio.postStatus({ callSid: phone.callSid, status: "completed", durationSec: 42, to: biz.phone.e164 })).status).toBe(204);
    expect((await path.twilio.postStatus({ callSid: phone.callSid, status: "in-progress", to: biz.phone.e164 })).status).toBe(204);
    expect(await log(phone.callSid)).toMatchObject({ status: "completed", durationSec: 42 });

    await phone.hangUp();
    const final = await eventually(() => log(phone.callSid).then((c) => (c.endReason ? c : null)));
    expect(final).toMatchObject({ status: "completed", durationSec: 42, endReason: "caller_hangup" });
    expect(final.answeredAt).not.toBeNull();
  });

  it("repeated and reordered callbacks end in the same state as one in-order delivery", async () => {
    const callSid = sid("CA");
    await path.twilio.postVoice({ callSid, from: "+15550001111", to: biz.phone.e164 });
    for (const [status, durationSec] of [["completed", 17], ["ringing"], ["in-progress"], ["completed", 17], ["ringing"]] as const) {
      expect((await path.twilio.postStatus({ callSid, status, durationSec, to: biz.phone.e164 })).status).toBe(204);
    }
    const c = await log(callSid);
    expect(c).toMatchObject({ status: "completed", durationSec: 17 });
    expect(c.endedAt).not.toBeNull();
  });

  it("a status that arrives before the voice webhook creates the call, and the webhook then answers it normally", async () => {
    const callSid = sid("CA");
    expect((await path.twilio.postStatus({ callSid, status: "ringing", from: "+15550001111", to: biz.phone.e164 })).status).toBe(204);
    expect(await log(callSid)).toMatchObject({ status: "ringing", toNumber: biz.phone.e164 });
    const r = await path.twilio.postVoice({ callSid, from: "+15550001111", to: biz.phone.e164 });
    expect(r.twiml?.stream).not.toBeNull();
    expect(await forBusiness(path.db, biz.business.id).callLog.count({ where: { callSid } })).toBe(1);
  });

  it("a call that ends without answering records Twilio's reason", async () => {
    const callSid = sid("CA");
    await path.twilio.postVoice({ callSid, from: "+15550001111", to: biz.phone.e164 });
    await path.twilio.postStatus({ callSid, status: "no-answer", durationSec: 0, to: biz.phone.e164 });
    expect(await log(callSid)).toMatchObject({ status: "no_answer", endReason: "no_answer", durationSec: 0 });
  });
});
