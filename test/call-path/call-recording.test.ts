// Call recording, end to end: a business that records calls has its consent sentence said
// before the stream opens and the call recorded through Twilio's REST API (the stand-in, real
// SDK); Twilio's signed recording-status callback stores the recording's SID, status and
// length on the call; the API streams the audio to the business (never a Twilio URL) and
// answers 404 to another business; retention deletes expired recordings at Twilio, and
// deleting a call deletes its recording there. A business that does not record: no consent
// sentence, no recording.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { call, createSecretKey, startApi, type Api } from "../api/support/api-harness.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testLogger } from "../support/services.ts";
import { deleteBusinessRecordings, deleteExpiredRecordings } from "@frontdesk/core/calls/recording-retention";
import { createTwilioRecordings } from "@frontdesk/core/telephony/twilio-recordings";
import { PUBLIC_BASE_URL, eventually, startCallPath, type CallPath } from "./harness.ts";
import { endedCall, greetingHeard } from "./call-steps.ts";

const CONSENT = "Calls to {business} are recorded so we can serve you better.";
const DAY = 24 * 3600_000;

let path: CallPath;
let api: Api;
let recorded: TestBusiness;
let key: string;

beforeAll(async () => {
  path = await startCallPath({ twilioRest: true });
  api = await startApi({ config: path.config });
  recorded = await createTestBusiness(path.db, { name: "Maple Clinic", agent: { recordCalls: true, recordingConsentMessage: CONSENT, recordingRetentionDays: 30 } });
  key = (await createSecretKey(recorded.business, ["calls:read", "calls:write"])).key;
}, 30_000);
afterAll(async () => {
  await api?.close();
  await path?.close();
});

/** An inbound call to `biz` that is greeted, then hung up by the caller; its recording (if any) completed at Twilio. */
async function recordedCall(biz: TestBusiness, durationSec = 42) {
  const n = path.model.connections.length + 1;
  const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
  const model = await path.model.connection(n);
  await greetingHeard(phone, model);
  await phone.hangUp();
  const ended = await endedCall(path.db, phone.callSid);
  const recording = [...path.rest!.recordings.values()].find((r) => r.callSid === phone.callSid);
  if (recording) path.rest!.completeRecording(recording.sid, durationSec);
  return { phone, ended, recording };
}

function recordingStatus(recordingSid: string, callSid: string, status: string, durationSec?: number) {
  const params: Record<string, string> = { CallSid: callSid, RecordingSid: recordingSid, RecordingStatus: status, RecordingUrl: `${path.rest!.url}/2010-04-01/Accounts/${path.rest!.accountSid}/Recordings/${recordingSid}`, RecordingChannels: "2", RecordingSource: "StartCallRecordingAPI" };
  if (durationSec !== undefined) params.RecordingDuration = String(durationSec);
  return params;
}

function fetchAudio(callId: string, withKey: string) {
  return fetch(`${api.url}/v1/calls/${callId}/recording`, { headers: { authorization: `Bearer ${withKey}` } });
}

describe("call recording", () => {
  it("says the consent sentence first, records through Twilio, stores the status callback's SID, status and length, and streams the audio to the business only", async () => {
    const { phone, ended, recording } = await recordedCall(recorded);
    expect(phone.twiml!.says).toEqual(["Calls to Maple Clinic are recorded so we can serve you better."]);
    expect(phone.twiml!.xml.indexOf("<Say>")).toBeLessThan(phone.twiml!.xml.indexOf("<Connect"));
    expect(recording, "a recording was started at Twilio").toBeDefined();
    const create = await path.rest!.waitForRequest((q) => q.method === "POST" && q.path.endsWith(`/Calls/${phone.callSid}/Recordings.json`));
    expect(create.authorized).toBe(true);
    expect(create.params).toMatchObject({ RecordingStatusCallback: `${PUBLIC_BASE_URL}/twilio/recording-status`, RecordingStatusCallbackMethod: "POST", RecordingChannels: "dual" });

    // Twilio's callback: unsigned or forged is refused and changes nothing.
    const done = recordingStatus(recording!.sid, phone.callSid, "completed", 42);
    expect((await path.twilio.postCallback(recording!.statusCallback!, done, { forge: true })).status).toBe(403);
    expect((await path.twilio.postCallback(recording!.statusCallback!, done, { signature: null })).status).toBe(403);
    expect((await path.twilio.postCallback(recording!.statusCallback!, { ...done, RecordingStatus: "lost" })).status).toBe(400);
    expect((await path.db.callLog.findUniqueOrThrow({ where: { id: ended.id } })).recordingStatus).toBe("in-progress");
    expect((await path.twilio.postCallback(recording!.statusCallback!, done)).status).toBe(204);
    const row = await path.db.callLog.findUniqueOrThrow({ where: { id: ended.id } });
    expect(row).toMatchObject({ recordingSid: recording!.sid, recordingStatus: "completed", recordingDurationSec: 42 });

    const shown = await call(api, "GET", `/v1/calls/${ended.id}`, { key });
    expect(shown.body.recording).toEqual({ status: "completed", durationSec: 42 });
    expect(shown.text).not.toContain(recording!.sid);
    expect(shown.text).not.toContain(path.rest!.url);

    const audio = await fetchAudio(ended.id, key);
    expect(audio.status).toBe(200);
    expect(audio.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await audio.arrayBuffer()).equals(path.rest!.recordings.get(recording!.sid)!.audio)).toBe(true);

    const other = await createTestBusiness(path.db);
    const otherKey = (await createSecretKey(other.business, ["calls:read", "calls:write"])).key;
    const refused = await fetchAudio(ended.id, otherKey);
    expect(refused.status).toBe(404);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect((await call(api, "DELETE", `/v1/calls/${ended.id}`, { key: otherKey })).status).toBe(404);
    expect(path.rest!.recordings.get(recording!.sid)!.status).toBe("completed");
  }, 40_000);

  it("a business that does not record: no consent sentence and nothing recorded; the API has no recording to give", async () => {
    const plain = await createTestBusiness(path.db);
    const plainKey = (await createSecretKey(plain.business, ["calls:read"])).key;
    const { phone, ended, recording } = await recordedCall(plain);
    expect(phone.twiml!.says).toEqual([]);
    expect(recording).toBeUndefined();
    expect(path.rest!.requests.some((q) => q.path.includes(`/Calls/${phone.callSid}/Recordings`))).toBe(false);
    const shown = await call(api, "GET", `/v1/calls/${ended.id}`, { key: plainKey });
    expect(shown.body.recording).toBeNull();
    const audio = await call(api, "GET", `/v1/calls/${ended.id}/recording`, { key: plainKey });
    expect(audio.status).toBe(404);
    expect(audio.body.code).toBe("recording_not_found");
  }, 30_000);

  it("retention deletes recordings older than the business's days at Twilio and marks them; younger ones stay", async () => {
    const old = await recordedCall(recorded);
    const young = await recordedCall(recorded);
    for (const c of [old, young]) {
      expect((await path.twilio.postCallback(c.recording!.statusCallback!, recordingStatus(c.recording!.sid, c.phone.callSid, "completed", 42))).status).toBe(204);
    }
    await path.db.callLog.update({ where: { id: old.ended.id }, data: { startedAt: new Date(Date.now() - 31 * DAY) } });

    const result = await deleteExpiredRecordings({ db: path.db, recordings: createTwilioRecordings(path.config), logger: testLogger() });
    expect(result.deleted).toBeGreaterThanOrEqual(1);
    const removal = await path.rest!.waitForRequest((q) => q.method === "DELETE" && q.path.endsWith(`/Recordings/${old.recording!.sid}.json`));
    expect(removal.status).toBe(204);
    expect(path.rest!.recordings.get(old.recording!.sid)!.status).toBe("deleted");
    expect(path.rest!.recordings.get(young.recording!.sid)!.status).toBe("completed");
    const oldRow = await path.db.callLog.findUniqueOrThrow({ where: { id: old.ended.id } });
    expect(oldRow.recordingStatus).toBe("deleted");
    expect(oldRow.recordingDeletedAt).not.toBeNull();

    const gone = await call(api, "GET", `/v1/calls/${old.ended.id}/recording`, { key });
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe("recording_not_found");
    expect((await fetchAudio(young.ended.id, key)).status).toBe(200);
  }, 40_000);

  it("a business about to be purged has every recording deleted at Twilio first", async () => {
    const leaving = await createTestBusiness(path.db);
    const sids = [];
    for (let i = 0; i < 2; i++) {
      const callSid = `CA${randomBytes(16).toString("hex")}`;
      const rec = path.rest!.addRecording(callSid);
      sids.push(rec.sid);
      await path.db.callLog.create({ data: { businessId: leaving.business.id, callSid, fromNumber: "+15550001234", toNumber: leaving.phone.e164, status: "completed", recordingSid: rec.sid, recordingStatus: "completed" } });
    }
    expect(await deleteBusinessRecordings({ db: path.db, recordings: createTwilioRecordings(path.config) }, leaving.business.id)).toBe(2);
    for (const sid of sids) expect(path.rest!.recordings.get(sid)!.status).toBe("deleted");
    expect(await path.db.callLog.count({ where: { businessId: leaving.business.id, recordingStatus: "deleted" } })).toBe(2);
  });

  it("deleting a call deletes its recording at Twilio first, then the call", async () => {
    const c = await recordedCall(recorded);
    expect((await path.twilio.postCallback(c.recording!.statusCallback!, recordingStatus(c.recording!.sid, c.phone.callSid, "completed", 42))).status).toBe(204);
    const readOnly = (await createSecretKey(recorded.business, ["calls:read"])).key;
    expect((await call(api, "DELETE", `/v1/calls/${c.ended.id}`, { key: readOnly })).status).toBe(403);

    const r = await call(api, "DELETE", `/v1/calls/${c.ended.id}`, { key });
    expect(r.status, r.text).toBe(204);
    await eventually(async () => path.rest!.recordings.get(c.recording!.sid)!.status === "deleted", 2_000, "the recording deleted at Twilio");
    expect(await path.db.callLog.findUnique({ where: { id: c.ended.id } })).toBeNull();
    expect(await path.db.transcriptSegment.count({ where: { callId: c.ended.id } })).toBe(0);
    expect((await call(api, "GET", `/v1/calls/${c.ended.id}`, { key })).status).toBe(404);
  }, 30_000);
});
