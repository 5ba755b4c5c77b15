import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { planLimits } from "@frontdesk/core/billing/plans";
import { createTestBusiness } from "../support/fixtures.ts";
import type { PhoneCall } from "../stand-ins/twilio-simulator.ts";
import { startCallPath, eventually, type CallPath, type RelayInstance } from "./harness.ts";

let path: CallPath;
let second: RelayInstance;

beforeAll(async () => {
  path = await startCallPath();
  second = await path.addRelay();
});
afterAll(async () => {
  await path.close();
});

const busy = (name: string) => `Thanks for calling ${name}. All of our lines are busy right now. Please call again in a few minutes. Goodbye.`;

/** The caller is connected to the agent: the stream is up and the greeting is heard. */
async function connected(phone: PhoneCall) {
  expect(phone.twiml?.stream).not.toBeNull();
  await phone.waitForHeard(100);
}

describe("concurrent-call caps", () => {
  it("over the business's plan cap the next caller hears the busy message, wherever the calls land; a finished call frees its line", async () => {
    const biz = await createTestBusiness(path.db, { name: "Two Line Taxis", plan: "free" });
    expect(planLimits("free").concurrentCalls).toBe(2);
    const modelsBefore = path.model.connections.length;

    const a = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    const b = await second.twilio.call({ to: biz.phone.e164, speed: 4 });
    await connected(a);
    await connected(b);
    for (const sim of [path.twilio, second.twilio]) {
      const refused = await sim.call({ to: biz.phone.e164, speed: 4 });
      expect(refused.twiml).toMatchObject({ stream: null, hangup: true, says: [busy("Two Line Taxis")] });
      expect(refused.ws).toBeUndefined();
      const log = await forBusiness(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { callSid: refused.callSid } });
      expect(log).toMatchObject({ status: "completed", endReason: "plan_concurrency" });
    }
    expect(path.model.connections.length - modelsBefore).toBe(2); // refused calls cost no model session

    await a.hangUp();
    await eventually(() => forBusiness(path.db, biz.business.id).callLog.findUnique({ where: { callSid: a.callSid } }).then((c) => c?.endReason));
    const c = await second.twilio.call({ to: biz.phone.e164, speed: 4 });
    await connected(c);
    await b.hangUp();
    await c.hangUp();
  });

  it("an instance at MAX_CALLS_PER_INSTANCE turns the next caller away while another instance still answers", async () => {
    const small = await path.addRelay({ MAX_CALLS_PER_INSTANCE: "1" });
    const biz = await createTestBusiness(path.db, { name: "Busy Bees" });
    const first = await small.twilio.call({ to: biz.phone.e164, speed: 4 });
    await connected(first);
    const turnedAway = await small.twilio.call({ to: biz.phone.e164, speed: 4 });
    expect(turnedAway.twiml).toMatchObject({ stream: null, says: [busy("Busy Bees")] });
    expect(await forBusiness(path.db, biz.business.id).callLog.findUniqueOrThrow({ where: { callSid: turnedAway.callSid } })).toMatchObject({
      endReason: "instance_busy",
    });
    const elsewhere = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
    await connected(elsewhere);
    await first.hangUp();
    await elsewhere.hangUp();
    await small.close();
  });
});
