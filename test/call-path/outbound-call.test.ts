// Outbound calls end to end: POST /v1/calls on the API asks Twilio's REST API (the stand-in,
// through the real SDK) to dial; the person answers (the simulator requests the webhook URL
// the call was created with); the agent greets them by name and talks with the call's brief;
// the transcript is kept on an `outbound` call. Twilio's asynchronous answering-machine
// detection then says who answered: a person (the agent talks on) or a machine whose greeting
// has ended (the agent leaves the voicemail message and hangs up: outcome voicemail). And the
// refusals: a country the business does not call, a do-not-call number, a call of another
// business to call back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createSecretKey, startApi, type Api } from "../api/support/api-harness.ts";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import { testConfig } from "../support/services.ts";
import type { StandInCall } from "../stand-ins/twilio-rest.ts";
import { PUBLIC_BASE_URL, eventually, startCallPath, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard, transcriptWith } from "./call-steps.ts";

const ANSWER = "Great, we'll see you tomorrow at 3 pm then. Goodbye!";

let path: CallPath;
let api: Api;
let biz: TestBusiness;
let key: string;

beforeAll(async () => {
  path = await startCallPath({ twilioRest: true });
  api = await startApi({ config: path.config });
  biz = await createTestBusiness(path.db, { name: "Bright Smile Dental", agent: { outboundCallingCodes: ["1"] } });
  key = (await createSecretKey(biz.business, ["calls:write"])).key;
}, 30_000);
afterAll(async () => {
  await api?.close();
  await path?.close();
});

/** The next call the REST stand-in is asked to create. */
function nextCreated(): Promise<StandInCall> {
  return new Promise((resolve) => {
    const off = path.rest!.onCallCreated((c) => (off(), resolve(c)));
  });
}

describe("POST /v1/calls", () => {
  it("dials through Twilio; the person answers, the agent talks with the call's brief and the transcript is kept as outbound", async () => {
    path.model.setScenario({ callerTurns: ["Yes, tomorrow at three works for me."], reply: () => ({ say: ANSWER }) });
    const to = uniquePhoneNumber();
    const created = nextCreated();
    const r = await call(api, "POST", "/v1/calls", {
      key,
      body: { to, purpose: "confirm tomorrow's cleaning appointment", instructions: "Ask them to confirm or move it.", variables: { name: "Jordan", appointmentTime: "tomorrow at 3 pm" } },
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({ direction: "outbound", from: biz.phone.e164, to, status: "queued" });
    const twilioCall = await created;
    expect(r.body.callSid).toBe(twilioCall.sid);
    const create = await path.rest!.waitForRequest((q) => q.method === "POST" && q.path.endsWith("/Calls.json"));
    expect(create.authorized).toBe(true);
    expect(create.params).toMatchObject({ From: biz.phone.e164, To: to, Method: "POST", StatusCallback: `${PUBLIC_BASE_URL}/twilio/status` });
    expect(create.params.Url).toBe(`${PUBLIC_BASE_URL}/twilio/voice?callId=${r.body.id}`);
    // Asynchronous detection that waits for a machine's greeting to end: the agent is connected at once.
    expect(create.params).toMatchObject({ MachineDetection: "DetectMessageEnd", AsyncAmd: "true", AsyncAmdStatusCallback: `${PUBLIC_BASE_URL}/twilio/amd`, AsyncAmdStatusCallbackMethod: "POST" });

    // The person picks up: Twilio asks the call's webhook what to do, and the stream opens.
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ callSid: twilioCall.sid, from: biz.phone.e164, to, outbound: { url: twilioCall.url! }, speed: 4 });
    expect(phone.twiml?.stream).toBeTruthy();
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    const [session] = model.receivedOfType("session.update") as { session: { instructions: string } }[];
    expect(session!.session.instructions).toContain("Purpose of this call: confirm tomorrow's cleaning appointment");
    expect(session!.session.instructions).toContain("name: Jordan; appointmentTime: tomorrow at 3 pm");
    expect(session!.session.instructions).toContain("Ask them to confirm or move it.");
    expect(JSON.stringify(model.receivedOfType("response.create")[0])).toContain("Hello Jordan, this is Bright Smile Dental calling.");
    // Twilio's verdict: a person. The agent talks on.
    const verdict = await path.twilio.postAnsweredBy(twilioCall.asyncAmdStatusCallback!, { callSid: twilioCall.sid, answeredBy: "human" });
    expect(verdict.status).toBe(204);
    phone.say(900, 800);

    const segments = await transcriptWith(path.db, twilioCall.sid, (s) => s.role === "agent" && s.text === ANSWER, 10_000);
    expect(segments.map((s) => s.role)).toEqual(["agent", "caller", "agent"]);
    expect(segments[1]!.text).toBe("Yes, tomorrow at three works for me.");
    const row = await path.db.callLog.findUniqueOrThrow({ where: { callSid: twilioCall.sid } });
    expect(row).toMatchObject({ id: r.body.id, businessId: biz.business.id, direction: "outbound", fromNumber: biz.phone.e164, toNumber: to, purpose: "confirm tomorrow's cleaning appointment" });
    expect(row.answeredAt).not.toBeNull();
    expect(row.answeredBy).toBe("human");
    expect(row.outcome).toBeNull();
    expect(path.rest!.requests.some((q) => q.callSid === twilioCall.sid && q.params.Status === "completed")).toBe(false);
    phone.close();
  }, 30_000);

  it("an answering machine: once its greeting ends the agent leaves the voicemail message, hangs up, and the call's outcome is voicemail", async () => {
    const vm = await createTestBusiness(path.db, {
      name: "Harbor Vets",
      agent: { outboundCallingCodes: ["1"], voicemailMessage: "Hi {name}, this is {business} about {pet}'s check-up. Please call us back. Goodbye." },
    });
    const vmKey = (await createSecretKey(vm.business, ["calls:write", "calls:read"])).key;
    path.model.setScenario({ callerTurns: [], reply: () => ({ say: "Sorry, could you repeat that?" }) });
    const to = uniquePhoneNumber();
    const created = nextCreated();
    const r = await call(api, "POST", "/v1/calls", { key: vmKey, body: { to, purpose: "check-up reminder", variables: { name: "Sam", pet: "Rex" } } });
    expect(r.status, r.text).toBe(201);
    const twilioCall = await created;
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ callSid: twilioCall.sid, from: vm.phone.e164, to, outbound: { url: twilioCall.url! }, speed: 4 });
    const model = await path.model.connection(n);
    await greetingHeard(phone, model);
    // The machine's greeting plays, then the beep: Twilio's verdict comes.
    phone.say(1500, 600);
    const verdict = await path.twilio.postAnsweredBy(twilioCall.asyncAmdStatusCallback!, { callSid: twilioCall.sid, answeredBy: "machine_end_beep" });
    expect(verdict.status).toBe(204);

    const voicemail = "Hi Sam, this is Harbor Vets about Rex's check-up. Please call us back. Goodbye.";
    const hangUp = await path.rest!.waitForRequest((q) => q.callSid === twilioCall.sid && q.params.Status === "completed", 15_000);
    expect(hangUp.status).toBe(200);
    const ended = await endedCall(path.db, twilioCall.sid);
    expect(ended.endReason).toBe("voicemail");
    const spoken = ended.segments.filter((s) => s.role === "agent").map((s) => s.text);
    expect(spoken.at(-1)).toBe(voicemail);
    // Hung up only once the whole message had played into the mailbox.
    expect(phone.restUpdates.at(-1)?.queuedBytes).toBe(0);

    const shown = await call(api, "GET", `/v1/calls/${r.body.id}`, { key: vmKey });
    expect(shown.body).toMatchObject({ outcome: "voicemail", answeredBy: "machine_end_beep", endReason: "voicemail", direction: "outbound" });
    const listed = await call(api, "GET", "/v1/calls?outcome=voicemail", { key: vmKey });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([r.body.id]);
    phone.close();
  }, 40_000);

  it("a machine's verdict that came before the stream opened: the agent leaves the call's own voicemail message at once", async () => {
    const to = uniquePhoneNumber();
    const created = nextCreated();
    const r = await call(api, "POST", "/v1/calls", { key, body: { to, voicemailMessage: "Bright Smile Dental here, please call us back." } });
    expect(r.status, r.text).toBe(201);
    const twilioCall = await created;
    await eventually(() => path.db.callLog.findFirst({ where: { id: r.body.id, callSid: twilioCall.sid } }), 2_000, "Twilio's SID on the call");
    expect((await path.twilio.postAnsweredBy(twilioCall.asyncAmdStatusCallback!, { callSid: twilioCall.sid, answeredBy: "machine_end_silence" })).status).toBe(204);
    const phone = await path.twilio.call({ callSid: twilioCall.sid, from: biz.phone.e164, to, outbound: { url: twilioCall.url! }, speed: 4 });
    await path.rest!.waitForRequest((q) => q.callSid === twilioCall.sid && q.params.Status === "completed", 15_000);
    const ended = await endedCall(path.db, twilioCall.sid);
    expect(ended).toMatchObject({ endReason: "voicemail", outcome: "voicemail", answeredBy: "machine_end_silence" });
    expect(ended.segments.filter((s) => s.role === "agent").at(-1)?.text).toBe("Bright Smile Dental here, please call us back.");
    phone.close();
  }, 30_000);

  it("a fax is hung up on; an unsigned or forged verdict is refused with 403 and changes nothing", async () => {
    const to = uniquePhoneNumber();
    const created = nextCreated();
    const r = await call(api, "POST", "/v1/calls", { key, body: { to } });
    expect(r.status, r.text).toBe(201);
    const twilioCall = await created;
    const amdUrl = twilioCall.asyncAmdStatusCallback!;
    const forged = await path.twilio.postAnsweredBy(amdUrl, { callSid: twilioCall.sid, answeredBy: "machine_end_beep" }, { forge: true });
    expect(forged.status).toBe(403);
    const unsigned = await path.twilio.postAnsweredBy(amdUrl, { callSid: twilioCall.sid, answeredBy: "machine_end_beep" }, { signature: null });
    expect(unsigned.status).toBe(403);
    const nonsense = await path.twilio.postAnsweredBy(amdUrl, { callSid: twilioCall.sid, answeredBy: "a robot" });
    expect(nonsense.status).toBe(400);
    const before = await path.db.callLog.findUniqueOrThrow({ where: { id: r.body.id } });
    expect(before).toMatchObject({ answeredBy: null, outcome: null });

    const fax = await path.twilio.postAnsweredBy(amdUrl, { callSid: twilioCall.sid, answeredBy: "fax" });
    expect(fax.status).toBe(204);
    await path.rest!.waitForRequest((q) => q.callSid === twilioCall.sid && q.params.Status === "completed");
    expect((await path.db.callLog.findUniqueOrThrow({ where: { id: r.body.id } })).answeredBy).toBe("fax");
  });

  it("an Idempotency-Key replays the first answer and dials once", async () => {
    const to = uniquePhoneNumber();
    const headers = { "idempotency-key": `outbound-${to}` };
    const first = await call(api, "POST", "/v1/calls", { key, headers, body: { to } });
    expect(first.status, first.text).toBe(201);
    const again = await call(api, "POST", "/v1/calls", { key, headers, body: { to } });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.body.id);
    expect(path.rest!.requests.filter((q) => q.path.endsWith("/Calls.json") && q.params.To === to)).toHaveLength(1);
    expect(await path.db.callLog.count({ where: { toNumber: to } })).toBe(1);
  });

  it("refuses a country the business does not call and a number on its do-not-call list, dialling nothing", async () => {
    const dnc = uniquePhoneNumber();
    const t = await createTestBusiness(path.db, { agent: { outboundCallingCodes: ["1"], doNotCall: [dnc] } });
    const k = (await createSecretKey(t.business, ["calls:write"])).key;
    const before = path.rest!.requests.length;
    const abroad = await call(api, "POST", "/v1/calls", { key: k, body: { to: "+442079460000" } });
    expect(abroad.status).toBe(403);
    expect(abroad.headers.get("content-type")).toContain("application/problem+json");
    expect(abroad.body.code).toBe("destination_not_allowed");
    expect(abroad.body.detail).toContain("+1");
    const listed = await call(api, "POST", "/v1/calls", { key: k, body: { to: dnc } });
    expect(listed.status).toBe(403);
    expect(listed.body.code).toBe("do_not_call");
    expect(path.rest!.requests.length).toBe(before);
    expect(await path.db.callLog.count({ where: { businessId: t.business.id, direction: "outbound" } })).toBe(0);
  });

  it("a call back dials the caller of a missed call from the number they rang; another business cannot call it back", async () => {
    const caller = uniquePhoneNumber();
    const missed = await path.db.callLog.create({
      data: { businessId: biz.business.id, callSid: `CA${"0".repeat(24)}${Date.now().toString(16).padStart(8, "0").slice(-8)}`, fromNumber: caller, toNumber: biz.phone.e164, status: "no_answer" },
    });
    const back = await call(api, "POST", "/v1/calls", { key, body: { callbackOf: { callId: missed.id } } });
    expect(back.status, back.text).toBe(201);
    expect(back.body).toMatchObject({ direction: "outbound", to: caller, from: biz.phone.e164 });

    const other = await createTestBusiness(path.db, { agent: { outboundCallingCodes: ["1"] } });
    const otherKey = (await createSecretKey(other.business, ["calls:write"])).key;
    const refused = await call(api, "POST", "/v1/calls", { key: otherKey, body: { callbackOf: { callId: missed.id } } });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe("not_found");
    expect(path.rest!.requests.filter((q) => q.path.endsWith("/Calls.json") && q.params.To === caller)).toHaveLength(1);
  });

  it("refuses outside the business's opening hours and past the plan's concurrent calls", async () => {
    const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    const otherDay = days[(new Date().getUTCDay() + 3) % 7]!;
    const closed = await createTestBusiness(path.db, { hours: { [otherDay]: [["09:00", "17:00"]] }, agent: { outboundCallingCodes: ["1"] } });
    const closedKey = (await createSecretKey(closed.business, ["calls:write"])).key;
    const r = await call(api, "POST", "/v1/calls", { key: closedKey, body: { to: uniquePhoneNumber() } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("outside_business_hours");

    const busy = await createTestBusiness(path.db, { plan: "free", agent: { outboundCallingCodes: ["1"] } });
    const busyKey = (await createSecretKey(busy.business, ["calls:write"])).key;
    for (const status of ["ringing", "in_progress"] as const) {
      await path.db.callLog.create({ data: { businessId: busy.business.id, callSid: `pending-${status}-${busy.business.id}`, fromNumber: uniquePhoneNumber(), toNumber: busy.phone.e164, status } });
    }
    const full = await call(api, "POST", "/v1/calls", { key: busyKey, body: { to: uniquePhoneNumber() } });
    expect(full.status).toBe(402);
    expect(full.body.code).toBe("concurrent_call_limit");
    expect(full.body.detail).toContain("2 calls at once");
  });

  it("needs calls:write on a secret key", async () => {
    const readOnly = (await createSecretKey(biz.business, ["calls:read"])).key;
    const r = await call(api, "POST", "/v1/calls", { key: readOnly, body: { to: uniquePhoneNumber() } });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("insufficient_scope");
  });

  it("without Twilio credentials answers 409 twilio_not_configured and keeps no call", async () => {
    const bare = await startApi({ config: testConfig({ TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined }) });
    try {
      const to = uniquePhoneNumber();
      const r = await call(bare, "POST", "/v1/calls", { key, body: { to } });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe("twilio_not_configured");
      expect(r.body.detail).toContain("TWILIO_ACCOUNT_SID");
      expect(await path.db.callLog.count({ where: { toNumber: to } })).toBe(0);
    } finally {
      await bare.close();
    }
  });
});
