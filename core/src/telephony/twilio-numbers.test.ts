import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig } from "../../../test/support/services.ts";
import { startTwilioRestStandIn, type TwilioRestStandIn } from "../../../test/stand-ins/twilio-rest.ts";
import { createTwilioNumbers, TwilioNumberError } from "./twilio-numbers.ts";
import { twilioWebhookUrls } from "./webhook-urls.ts";

let twilioRest: TwilioRestStandIn;
beforeAll(async () => {
  twilioRest = await startTwilioRestStandIn({ acceptUnknownCalls: false });
});
afterAll(async () => {
  await twilioRest.close();
});

const numbersWith = (overrides: Record<string, string | undefined> = {}) =>
  createTwilioNumbers(testConfig({ TWILIO_ACCOUNT_SID: twilioRest.accountSid, TWILIO_AUTH_TOKEN: twilioRest.authToken, TWILIO_API_BASE_URL: twilioRest.url, ...overrides }));
const urls = twilioWebhookUrls(testConfig({ PUBLIC_BASE_URL: "https://relay.frontdesk.test" }));

async function failure(p: Promise<unknown>): Promise<TwilioNumberError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TwilioNumberError);
  return err as TwilioNumberError;
}

describe("Twilio numbers (real SDK against the REST stand-in)", () => {
  it("finds the number on the account and points its voice and status webhooks at the relay", async () => {
    expect(urls).toEqual({
      voiceUrl: "https://relay.frontdesk.test/twilio/voice", statusCallbackUrl: "https://relay.frontdesk.test/twilio/status",
      amdCallbackUrl: "https://relay.frontdesk.test/twilio/amd", recordingStatusUrl: "https://relay.frontdesk.test/twilio/recording-status",
    });
    twilioRest.addNumber("+15550001111");
    const number = twilioRest.addNumber("+15550002222");
    const { sid } = await numbersWith().configureWebhooks("+15550002222", urls);
    expect(sid).toBe(number.sid);
    expect(twilioRest.numbers.get(sid)).toMatchObject({ voiceUrl: urls.voiceUrl, voiceMethod: "POST", statusCallback: urls.statusCallbackUrl, statusCallbackMethod: "POST" });
    const lookup = twilioRest.requests.find((r) => r.method === "GET" && r.path.endsWith("/IncomingPhoneNumbers.json"))!;
    expect(lookup.authorized).toBe(true);
  });

  it("a number the account does not have is number_not_found, and nothing is changed", async () => {
    const before = twilioRest.requests.filter((r) => r.method === "POST").length;
    expect((await failure(numbersWith().configureWebhooks("+15559999999", urls))).kind).toBe("number_not_found");
    expect(twilioRest.requests.filter((r) => r.method === "POST").length).toBe(before);
  });

  it("wrong credentials are unauthorized; an outage is unavailable; no credentials send nothing", async () => {
    twilioRest.addNumber("+15550003333");
    expect((await failure(numbersWith({ TWILIO_AUTH_TOKEN: "wrong" }).configureWebhooks("+15550003333", urls))).kind).toBe("unauthorized");
    twilioRest.failNext(1, 503);
    expect((await failure(numbersWith().configureWebhooks("+15550003333", urls))).kind).toBe("unavailable");
    const count = twilioRest.requests.length;
    const none = createTwilioNumbers(testConfig({ TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined }));
    expect(none.configured).toBe(false);
    expect((await failure(none.configureWebhooks("+15550003333", urls))).kind).toBe("not_configured");
    expect(twilioRest.requests.length).toBe(count);
  });
});
