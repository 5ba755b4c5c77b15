// The events a real call produces are what openapi.yaml's CallEvent says: a call answered by
// the relay (OpenAI Realtime stand-in, Twilio simulator) that takes a message and is then
// analysed yields call.started, call.transcript, message.taken, call.ended and call.analysed,
// each valid against its type's schema (the live stream writes them verbatim as `data:`).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { createJobWorker } from "@frontdesk/core/jobs/job-queue";
import { subscribeCallEvents, type CallEvent } from "@frontdesk/core/calls/call-events";
import { analysisJobHandlers } from "@frontdesk/core/calls/analysis/analyse-call-job";
import { loadSpec } from "../../api/src/spec/spec.ts";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testConfig, testLogger } from "../support/services.ts";
import { startCallPath, eventually, type CallPath } from "../call-path/harness.ts";
import { endedCall, greetingHeard, transcriptWith } from "../call-path/call-steps.ts";

const THANKS = "Thanks Jordan, I've passed your message on and someone will call you back.";
const SPEC_ID = "https://frontdesk.test/openapi.yaml";
let path: CallPath;
let biz: TestBusiness;
const events: CallEvent[] = [];
let unsubscribe: () => Promise<void>;

function callEventValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its function is the default export or that export's `default`.
  const addFormats = ((ajvFormats as { default?: unknown }).default ?? ajvFormats) as (a: Ajv2020) => void;
  addFormats(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: loadSpec().document.components });
  return ajv.getSchema(`${SPEC_ID}#/components/schemas/CallEvent`)!;
}

beforeAll(async () => {
  path = await startCallPath();
  biz = await createTestBusiness(path.db, { name: "Corner Garage" });
  unsubscribe = await subscribeCallEvents(path.cache, biz.business.id, (e) => events.push(e));
  path.model.setScenario({
    callerTurns: ["Can someone call me back about my car's brakes?"],
    reply: () => ({
      tool: { name: "take_message", arguments: { name: "Jordan Lee", callback_number: "+1 (555) 010-2030", message: "Please call back about the brakes." } },
      then: () => THANKS,
    }),
  });
  const n = path.model.connections.length + 1;
  const phone = await path.twilio.call({ to: biz.phone.e164, speed: 4 });
  const model = await path.model.connection(n);
  await greetingHeard(phone, model);
  phone.say(900, 800);
  await transcriptWith(path.db, phone.callSid, (s) => s.role === "agent" && s.text === THANKS, 10_000);
  await phone.waitFor(() => phone.queuedMs === 0, 5_000, "the thanks to play out");
  await phone.hangUp();
  await endedCall(path.db, phone.callSid);
  // The API process's worker analyses it (the local analyser: no OpenAI configured).
  const handlers = analysisJobHandlers({ db: path.db, cache: path.cache, logger: testLogger("analysis"), config: testConfig({ OPENAI_API_KEY: "" }) });
  const worker = createJobWorker({ db: path.db, logger: testLogger("jobs"), handlers, businessIds: [biz.business.id], pollMs: 3_600_000 });
  await eventually(async () => (await worker.drain()) > 0 || events.some((e) => e.type === "call.analysed"), 10_000, "the analysis to run");
  await worker.stop();
  await eventually(async () => events.some((e) => e.type === "call.analysed"), 5_000, "call.analysed");
}, 60_000);
afterAll(async () => {
  await unsubscribe?.();
  await path?.close();
});

describe("call events against the contract", () => {
  it("a real call yields every kind of live event", () => {
    const kinds = new Set(events.map((e) => e.type));
    expect([...kinds].sort()).toEqual(["call.analysed", "call.ended", "call.started", "call.transcript", "message.taken"]);
  });

  it("each event is valid against CallEvent, and its data against its own type's schema", () => {
    const validate = callEventValidator();
    for (const event of events) {
      const ok = validate(event);
      expect(ok, `${event.type}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(event)}`).toBe(true);
    }
  });

  it("the schema tells the types apart: data of one type is refused under another", () => {
    const validate = callEventValidator();
    const started = events.find((e) => e.type === "call.started")!;
    const taken = events.find((e) => e.type === "message.taken")!;
    expect(validate({ ...started, type: "message.taken" })).toBe(false);
    expect(validate({ ...taken, data: { ...taken.data, callbackNumber: undefined } })).toBe(false);
    expect(validate({ ...started, type: "call.exploded" })).toBe(false);
  });
});
