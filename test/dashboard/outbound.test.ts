// Outbound calls, voicemail and call recording in the dashboard, in a real browser against an
// API whose Twilio is the REST stand-in: the agent page saves the voicemail, outbound and
// recording settings (a refused field says why beside it); a call's recording plays through
// the dashboard's /api proxy; a missed call is called back (the new call is shown and linked,
// Twilio asked to dial) and a refusal reads plainly (a country not called, a do-not-call
// number); deleting a call deletes its recording at Twilio and takes the user back to the list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { hashPassword } from "@frontdesk/core/auth/password";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { startApi, type Api } from "../api/support/api-harness.ts";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import { testConfig, testDb } from "../support/services.ts";
import { startTwilioRestStandIn, type StandInRecording, type TwilioRestStandIn } from "../stand-ins/twilio-rest.ts";
import { buildDashboard, freePort, hasChromium, openBrowser, screenshot, startDashboard, type BrowserSession, type DashboardProcess, logIn } from "./support/dashboard.ts";
import { accessibilityViolations } from "./support/checks.ts";

const PASSWORD = "correct horse battery";
const UK_CALLER = "+442079460000";
const VOICEMAIL = "Hello {name}, this is {business} returning your call. Please call us back at your convenience.";
const CONSENT = "This call to {business} is recorded for quality.";

let twilio: TwilioRestStandIn;
let api: Api;
let dash: DashboardProcess;
let b: BrowserSession;
let biz: TestBusiness;
let recordedId: string;
let recording: StandInRecording;
let missedId: string;
let missedFrom: string;

/** About a second of silent MPEG-1 Layer III (128 kb/s, 44.1 kHz, mono): audio a browser decodes. */
function silentMp3(frames = 40): Buffer {
  const frame = Buffer.alloc(417, 0);
  frame.set([0xff, 0xfb, 0x90, 0xc4]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

describe.skipIf(!hasChromium)("dashboard: outbound calls, voicemail, recording (Chromium at /usr/bin/chromium)", { timeout: 180_000 }, () => {
  beforeAll(async () => {
    await buildDashboard();
    twilio = await startTwilioRestStandIn();
    const port = await freePort();
    api = await startApi({
      config: testConfig({ DASHBOARD_URL: `http://127.0.0.1:${port}`, TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, TWILIO_API_BASE_URL: twilio.url }),
    });
    dash = await startDashboard({ port, apiUrl: api.url });
    biz = await createTestBusiness(testDb(), { name: "Harbour Dental" });
    await testDb().user.update({ where: { id: biz.owner.id }, data: { passwordHash: await hashPassword(PASSWORD, 4) } });
    const db = forBusiness(testDb(), biz.business.id);
    const startedAt = new Date(Date.now() - 3_600_000);
    const ended = { status: "completed" as const, startedAt, answeredAt: startedAt, endedAt: new Date(startedAt.getTime() + 40_000), durationSec: 40, analysisStatus: "done" as const };

    // An outbound call that reached an answering machine, recorded; Twilio holds real MP3 audio.
    const recordedSid = `CA${randomBytes(16).toString("hex")}`;
    recording = twilio.addRecording(recordedSid, 1);
    recording.audio = silentMp3();
    recordedId = (await db.callLog.create({
      data: {
        businessId: biz.business.id, callSid: recordedSid, direction: "outbound", fromNumber: biz.phone.e164, toNumber: uniquePhoneNumber(), ...ended,
        outcome: "voicemail", answeredBy: "machine_end_beep", summary: "Left the appointment reminder on voicemail.",
        recordingSid: recording.sid, recordingStatus: "completed", recordingDurationSec: 1,
      },
    })).id;
    // A caller who hung up before anyone helped them.
    missedFrom = uniquePhoneNumber();
    missedId = (await db.callLog.create({
      data: { businessId: biz.business.id, callSid: `CA${randomBytes(16).toString("hex")}`, fromNumber: missedFrom, toNumber: biz.phone.e164, ...ended, durationSec: 4, outcome: "abandoned", summary: "The caller hung up." },
    })).id;
    // A message from abroad: the business does not call the UK.
    const messageCall = await db.callLog.create({
      data: { businessId: biz.business.id, callSid: `CA${randomBytes(16).toString("hex")}`, fromNumber: UK_CALLER, toNumber: biz.phone.e164, ...ended, outcome: "message_taken", summary: "Message taken." },
    });
    await db.callMessage.create({ data: { businessId: biz.business.id, callId: messageCall.id, callerName: "Alex Morgan", callbackNumber: UK_CALLER, message: "Please ring me about whitening." } });

    b = await openBrowser({ baseURL: dash.url });
    await logIn(b.page, biz.owner.email, PASSWORD);
  }, 300_000);
  afterAll(async () => {
    await b?.close();
    await dash?.close();
    await api?.close();
    await twilio?.close();
  });

  it("agent page: voicemail, outbound and recording settings are saved and shown after a reload; a refused field says why beside it", async () => {
    const p = b.page;
    await p.goto("/agent");
    expect(await p.getByRole("checkbox", { name: "Record calls" }).isChecked()).toBe(false);
    expect(await p.textContent("#recording-note")).toContain("needs Twilio");
    expect(await p.textContent("#recording-note")).toContain("callers hear the consent sentence");
    await p.getByLabel("Countries the agent may call (calling codes)").fill("1");
    await p.getByLabel("Never call these numbers").fill("+1 (555) 000-1111");
    await p.getByLabel("Voicemail message").fill(VOICEMAIL);
    await p.getByRole("checkbox", { name: "Record calls" }).check();
    await p.getByLabel("Consent sentence").fill("");
    await p.getByLabel("Keep recordings for (days)").fill("45");
    await p.getByRole("button", { name: "Save agent settings" }).click();
    // The API refuses an empty consent sentence: the message sits under that field, the draft is kept.
    await p.locator("#f-recordingConsentMessage-error").waitFor();
    expect(await p.getByLabel("Consent sentence").getAttribute("aria-invalid")).toBe("true");
    expect(await p.getByRole("checkbox", { name: "Record calls" }).isChecked()).toBe(true);
    expect(await p.getByLabel("Voicemail message").inputValue()).toBe(VOICEMAIL);

    await p.getByLabel("Consent sentence").fill(CONSENT);
    await p.getByRole("button", { name: "Save agent settings" }).click();
    await p.getByText("Saved; the next call uses these settings.").waitFor();
    await p.goto("/agent");
    expect(await p.getByRole("checkbox", { name: "Record calls" }).isChecked()).toBe(true);
    expect(await p.getByLabel("Consent sentence").inputValue()).toBe(CONSENT);
    expect(await p.getByLabel("Keep recordings for (days)").inputValue()).toBe("45");
    expect(await p.getByLabel("Voicemail message").inputValue()).toBe(VOICEMAIL);
    expect(await p.getByLabel("Countries the agent may call (calling codes)").inputValue()).toBe("1");
    expect(await p.getByLabel("Never call these numbers").inputValue()).toBe("+15550001111");
    await screenshot(p, "agent-recording");
    expect(await accessibilityViolations(p)).toEqual([]);
  });

  it("call detail: the voicemail outcome and who answered read plainly, and the recording plays through the dashboard", async () => {
    const p = b.page;
    await p.goto(`/calls/${recordedId}`);
    expect(await p.getByTestId("outcome").textContent()).toContain("an answering machine picked up and the agent left your voicemail message");
    expect(await p.getByTestId("answered-by").textContent()).toContain("An answering machine");
    const src = await p.locator("audio").getAttribute("src");
    expect(src).toBe(`/api/v1/calls/${recordedId}/recording`);
    // The browser fetched and decoded the audio: it knows its length.
    await p.waitForFunction("document.querySelector('audio').readyState >= 1", undefined, { timeout: 20_000 });
    const seconds = await p.evaluate<number>("document.querySelector('audio').duration");
    expect(seconds).toBeGreaterThan(0.8);
    expect(seconds).toBeLessThan(1.5);
    // Through the proxy, byte for byte, typed and with its length.
    const audio = await p.request.get(src!);
    expect(audio.status()).toBe(200);
    expect(audio.headers()["content-type"]).toBe("audio/mpeg");
    expect(audio.headers()["content-length"]).toBe(String(recording.audio.length));
    expect((await audio.body()).equals(recording.audio)).toBe(true);
    await screenshot(p, "call-recording");
    expect(await accessibilityViolations(p)).toEqual([]);
  });

  it("call back: a missed call is returned through Twilio and the new call is linked; a message from a country not called is refused plainly", async () => {
    const p = b.page;
    await p.goto(`/calls/${missedId}`);
    await p.getByLabel(`Why the agent calls ${missedFrom} (optional)`).fill("answer their question");
    await p.getByRole("button", { name: "Call back" }).click();
    await p.getByText(`Calling ${missedFrom} now.`).waitFor();
    const dialled = await twilio.waitForRequest((q) => q.method === "POST" && q.path.endsWith("/Calls.json"), 5_000);
    expect(dialled.params).toMatchObject({ To: missedFrom, From: biz.phone.e164 });
    await screenshot(p, "call-back-placed");
    await p.getByRole("link", { name: "Follow the call" }).click();
    await p.waitForURL((u) => u.pathname !== `/calls/${missedId}`);
    expect(await p.getByRole("heading", { level: 1 }).textContent()).toBe(`Call to ${missedFrom}`);
    const placed = await forBusiness(testDb(), biz.business.id).callLog.findFirstOrThrow({ where: { direction: "outbound", toNumber: missedFrom } });
    expect(p.url()).toContain(`/calls/${placed.id}`);
    expect(placed.purpose).toBe("answer their question");

    await p.goto("/messages");
    const message = p.locator("li", { hasText: "Alex Morgan" });
    await message.getByRole("button", { name: "Call back" }).click();
    const refusal = p.locator("li", { hasText: "Alex Morgan" }).getByRole("alert");
    expect(await refusal.textContent()).toContain(`${UK_CALLER} is in a country the business does not call (allowed calling codes: +1). Add its calling code under “Countries the agent may call” on the Agent page.`);
    await screenshot(p, "messages-call-back-refused");
    expect(await accessibilityViolations(p)).toEqual([]);
  });

  it("new outbound call: a number on the do-not-call list is refused and nothing is dialled", async () => {
    const p = b.page;
    const before = twilio.requests.filter((q) => q.path.endsWith("/Calls.json")).length;
    await p.goto("/calls");
    await p.getByText("New outbound call").click();
    await p.getByLabel("Number to call").fill("+15550001111");
    await p.getByLabel("Why the agent calls (optional)").fill("confirm tomorrow's appointment");
    await p.getByLabel("Their name (optional)").fill("Jordan");
    await p.getByRole("button", { name: "Place the call" }).click();
    expect(await p.getByRole("alert").textContent()).toContain("+15550001111 is on the business's do-not-call list.");
    expect(await p.getByLabel("Their name (optional)").inputValue()).toBe("Jordan");
    expect(twilio.requests.filter((q) => q.path.endsWith("/Calls.json")).length).toBe(before);
    await screenshot(p, "calls-new-outbound-refused");
    expect(await accessibilityViolations(p)).toEqual([]);
  });

  it("delete: after confirming, the call and its recording at Twilio are gone and the list says so", async () => {
    const p = b.page;
    await p.goto(`/calls/${recordedId}`);
    await p.getByRole("button", { name: "Delete call…" }).click();
    expect(await p.textContent("#confirm-text")).toContain("and its recording at Twilio");
    await p.getByRole("button", { name: "Yes, delete the call" }).click();
    await p.waitForURL((u) => u.pathname === "/calls");
    await p.getByText("The call was deleted.").waitFor();
    expect(await p.locator(`a[href="/calls/${recordedId}"]`).count()).toBe(0);
    expect(twilio.recordings.get(recording.sid)!.status).toBe("deleted");
    expect((await p.request.get(`/calls/${recordedId}`)).status()).toBe(404);
    expect(b.errors).toEqual([]);
  });
});
