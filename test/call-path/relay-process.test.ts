// The relay as production runs it (`realtime/src/main.ts`, its own process) and a real
// SIGTERM: new calls and streams are refused at once, the live call goes on to its end,
// then the process exits cleanly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createTestBusiness, type TestBusiness } from "../support/fixtures.ts";
import { testDb } from "../support/services.ts";
import { startRealtimeStandIn, type RealtimeStandIn } from "../stand-ins/openai-realtime.ts";
import { TwilioSimulator, sid } from "../stand-ins/twilio-simulator.ts";
import { eventually, PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN } from "./harness.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let model: RealtimeStandIn;
let relay: ChildProcess | undefined;
let relayUrl: string;
let biz: TestBusiness;
let stderr = "";

beforeAll(async () => {
  model = await startRealtimeStandIn({});
  biz = await createTestBusiness(testDb(), { agent: { greeting: "Hello from a separate process." } });
  const port = await freePort();
  relayUrl = `http://127.0.0.1:${port}`;
  relay = spawn(process.execPath, ["--import", "tsx", "realtime/src/main.ts"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_BASE_URL,
      TWILIO_AUTH_TOKEN,
      TWILIO_ACCOUNT_SID: "",
      OPENAI_API_KEY: "sk-test-realtime",
      OPENAI_REALTIME_URL: model.url,
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  relay.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  await eventually(() => fetch(`${relayUrl}/healthz`).then((r) => r.ok, () => false), 30_000, `the relay process to listen (${stderr})`);
}, 60_000);
afterAll(async () => {
  relay?.kill("SIGKILL");
  await model.close();
});

describe("the relay process", () => {
  it("on SIGTERM refuses new calls and streams at once, lets the live call finish, then exits 0", async () => {
    const twilio = new TwilioSimulator({ relayUrl, publicBaseUrl: PUBLIC_BASE_URL, authToken: TWILIO_AUTH_TOKEN });
    const phone = await twilio.call({ to: biz.phone.e164, speed: 4 });
    const conn = await model.connection(1);
    await conn.waitFor(() => conn.responses[0]?.status === "completed", 8_000, "the greeting");
    await phone.waitForHeard(200);
    const exited = new Promise<number | null>((resolve) => relay!.once("exit", (code) => resolve(code)));

    relay!.kill("SIGTERM");
    await eventually(() => fetch(`${relayUrl}/readyz`).then((r) => r.status === 503), 5_000, "readyz to turn 503");
    const refused = await twilio.postVoice({ callSid: sid("CA"), from: "+15550001111", to: biz.phone.e164 });
    expect(refused.twiml).toMatchObject({ stream: null, hangup: true });
    const late = await twilio.openRawStream({ to: biz.phone.e164, streamUrl: phone.twiml!.stream!.url, token: phone.twiml!.stream!.parameters.token! });
    expect(late.closeCode).toBe(503);

    // The live call carries on: the caller is still connected and still heard.
    await new Promise((r) => setTimeout(r, 500));
    expect(phone.closeCode).toBeUndefined();
    expect(relay!.exitCode).toBeNull();
    const appended = conn.appendedBytes;
    await conn.waitFor(() => conn.appendedBytes > appended, 2_000, "the caller's audio still relayed after SIGTERM");

    await phone.hangUp();
    expect(await exited).toBe(0);
    const call = await eventually(() => testDb().callLog.findUnique({ where: { callSid: phone.callSid } }).then((c) => (c?.endReason ? c : null)));
    expect(call.endReason).toBe("caller_hangup");
    twilio.close();
  });
});
