import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { startCallPath, eventually, type CallPath } from "./harness.ts";

let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  // The model's WebSocket takes 600 ms to open: longer than Twilio takes to connect the stream.
  path = await startCallPath({ scenario: { acceptDelayMs: 600, callerTurns: ["Hi, is this the garage?"] } });
  biz = await createTestBusiness(path.db);
});
afterAll(async () => {
  await path.close();
});

describe("no lost audio at the edges", () => {
  it("caller audio sent while the model socket is still connecting reaches the model, all of it, unchanged and in order", async () => {
    const n = path.model.connections.length + 1;
    const phone = await path.twilio.call({ to: biz.phone.e164, speed: 1 });
    phone.say(300, 700); // the caller talks straight away
    const model = await path.model.connection(n, 5_000);
    await phone.waitFor(() => phone.sentAudio.length >= 60, 5_000, "1.2 s of caller audio");
    await phone.hangUp();
    await model.closedPromise;

    const sent = Buffer.concat(phone.sentAudio);
    const received = Buffer.concat(model.inputAudio);
    expect(sent.length).toBeGreaterThan(600 * 8); // more than the connect delay's worth
    expect(received.equals(sent)).toBe(true);
    // The session was configured before any audio (μ-law both ways), so none was misread.
    expect(model.appendsBeforeSessionUpdate).toBe(0);
    expect(model.session?.audio?.input?.format).toEqual({ type: "audio/pcmu" });
    expect(model.session?.audio?.output?.format).toEqual({ type: "audio/pcmu" });
    // The caller's first words, spoken before the model was reachable, were heard.
    const segments = await eventually(() =>
      path.db.transcriptSegment.findMany({ where: { call: { callSid: phone.callSid } } }).then((s) => (s.length ? s : null)),
    );
    expect(segments.find((s) => s.role === "caller")?.text).toBe("Hi, is this the garage?");
  });
});
