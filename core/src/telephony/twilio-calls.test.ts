import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../../../test/support/services.ts";
import { newCallSid, startTwilioRestStandIn, type TwilioRestStandIn } from "../../../test/stand-ins/twilio-rest.ts";
import { createTwilioCalls, dialTwiml, TwilioCallError } from "./twilio-calls.ts";

let twilioRest: TwilioRestStandIn;

beforeAll(async () => {
  twilioRest = await startTwilioRestStandIn({ acceptUnknownCalls: false });
});
afterAll(async () => {
  await twilioRest.close();
});

function callsWith(overrides: Record<string, string | undefined> = {}) {
  return createTwilioCalls(
    testConfig({
      TWILIO_ACCOUNT_SID: twilioRest.accountSid,
      TWILIO_AUTH_TOKEN: twilioRest.authToken,
      TWILIO_API_BASE_URL: twilioRest.url,
      ...overrides,
    }),
  );
}

async function failure(p: Promise<unknown>): Promise<TwilioCallError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TwilioCallError);
  return err as TwilioCallError;
}

describe("Twilio REST seam", () => {
  it("hangs up a live call through the real SDK with the account's credentials", async () => {
    const call = twilioRest.addCall();
    await callsWith().hangUp(call.sid);

    expect(call.status).toBe("completed");
    const request = twilioRest.requests.find((r) => r.callSid === call.sid)!;
    expect(request).toMatchObject({
      method: "POST",
      path: `/2010-04-01/Accounts/${twilioRest.accountSid}/Calls/${call.sid}.json`,
      params: { Status: "completed" },
      authorized: true,
      status: 200,
    });
  });

  it("redirects a live call to a <Dial> of the transfer number", async () => {
    const call = twilioRest.addCall();
    await callsWith().redirect(call.sid, dialTwiml("+15551234567"));

    expect(call.status).toBe("in-progress");
    expect(call.twiml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+15551234567</Dial></Response>');
    const request = twilioRest.requests.find((r) => r.callSid === call.sid)!;
    expect(request.params.Twiml).toContain("<Dial>+15551234567</Dial>");
  });

  it("says clearly when the auth token is wrong", async () => {
    const call = twilioRest.addCall();
    const err = await failure(callsWith({ TWILIO_AUTH_TOKEN: "not-the-token" }).hangUp(call.sid));

    expect(err.kind).toBe("unauthorized");
    expect(err.details).toMatchObject({ status: 401, code: 20003 });
    expect(err.message).toContain("check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN");
    expect(call.status).toBe("in-progress");
  });

  it("says clearly when the account SID is not the one the token belongs to", async () => {
    const call = twilioRest.addCall();
    const otherAccount = "AC" + "0".repeat(32);
    const err = await failure(callsWith({ TWILIO_ACCOUNT_SID: otherAccount }).hangUp(call.sid));

    expect(err.kind).toBe("unauthorized");
    expect(err.message).toContain(otherAccount);
  });

  it("says clearly when the call SID does not exist on the account", async () => {
    const unknown = newCallSid();
    const err = await failure(callsWith().hangUp(unknown));

    expect(err.kind).toBe("call_not_found");
    expect(err.details).toMatchObject({ status: 404, code: 20404 });
    expect(err.message).toContain(unknown);
  });

  it("refuses a malformed call SID without sending anything", async () => {
    const before = twilioRest.requests.length;
    const err = await failure(callsWith().hangUp("CA../../Accounts"));

    expect(err.kind).toBe("invalid_call_sid");
    expect(twilioRest.requests.length).toBe(before);
  });

  it("says the call already ended when a transfer comes too late", async () => {
    const call = twilioRest.addCall();
    const calls = callsWith();
    await calls.hangUp(call.sid);
    const err = await failure(calls.redirect(call.sid, dialTwiml("+15551234567")));

    expect(err.kind).toBe("call_not_live");
    expect(err.details.code).toBe(21220);
  });

  it("passes on Twilio's refusal of something that is not TwiML", async () => {
    const call = twilioRest.addCall();
    const err = await failure(callsWith().redirect(call.sid, "<Dial>+15551234567</Dial>"));

    expect(err.kind).toBe("rejected");
    expect(err.details.status).toBe(400);
    expect(err.message).toContain("Twiml must be a <Response> document");
    expect(call.twiml).toBeUndefined();
  });

  it("retries a rate-limited hang-up and then succeeds", async () => {
    const call = twilioRest.addCall();
    twilioRest.failNext(1, 429);
    await callsWith().hangUp(call.sid);

    const tries = twilioRest.requests.filter((r) => r.callSid === call.sid).map((r) => r.status);
    expect(tries).toEqual([429, 200]);
    expect(call.status).toBe("completed");
  });

  it("reports Twilio being unreachable with the address it tried", async () => {
    const call = twilioRest.addCall();
    const err = await failure(callsWith({ TWILIO_API_BASE_URL: "http://127.0.0.1:1" }).hangUp(call.sid));

    expect(err.kind).toBe("unavailable");
    expect(err.message).toContain("http://127.0.0.1:1");
  });

  it("reports 'not configured' without credentials and sends nothing", async () => {
    const before = twilioRest.requests.length;
    const calls = createTwilioCalls(testConfig({ TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" }));
    const err = await failure(calls.hangUp(newCallSid()));

    expect(calls.configured).toBe(false);
    expect(err.kind).toBe("not_configured");
    expect(err.message).toContain("Twilio is not configured");
    expect(twilioRest.requests.length).toBe(before);
  });

  it("refuses to dial something that is not a phone number", () => {
    expect(() => dialTwiml("+1555<Hangup/>")).toThrow(/not an E\.164 number/);
  });
});
