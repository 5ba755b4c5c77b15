// `npm run call` end to end, against a relay running in this process: the CLI signs the
// webhook with the same environment, follows the TwiML, talks (espeak-ng when installed)
// and prints the call's live transcript.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import { createTestBusiness, uniquePhoneNumber, type TestBusiness } from "../support/fixtures.ts";
import { PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN, startCallPath, type CallPath } from "./harness.ts";

const hasEspeak = spawnSync("espeak-ng", ["--version"], { stdio: "ignore" }).status === 0;
let path: CallPath;
let biz: TestBusiness;

beforeAll(async () => {
  path = await startCallPath({
    scenario: { callerTurns: ["What are your opening hours?"], reply: () => ({ say: "We are open from nine until five, Monday to Saturday." }) },
  });
  biz = await createTestBusiness(path.db, { name: "Cli Cafe", agent: { greeting: "Cli Cafe, good afternoon!" } });
});
afterAll(async () => {
  await path.close();
});

/** Runs `npm run call -- <args>` (the script itself) with the relay's own environment. */
function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/call.ts", ...args, "--base-url", path.relayUrl], {
    env: { ...process.env, PUBLIC_BASE_URL, TWILIO_AUTH_TOKEN },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out })));
}

describe("npm run call", () => {
  it("places a simulated call, says the --say words and prints the live transcript to the end", async () => {
    const { code, out } = await runCli(["--to", biz.phone.e164, "--say", "What are your opening hours?", "--speed", "4"]);
    expect(code, out).toBe(0);
    expect(out).toContain("← connected: the agent is on the line");
    expect(out).toContain("agent   › Cli Cafe, good afternoon!");
    if (hasEspeak) {
      expect(out).toContain("caller  › What are your opening hours?");
      expect(out).toContain("agent   › We are open from nine until five, Monday to Saturday.");
    } else {
      expect(out).toContain("espeak-ng is not installed");
    }
    expect(out).toMatch(/■ call ended: caller_hangup/);
    const call = await path.db.callLog.findFirstOrThrow({ where: { businessId: biz.business.id }, orderBy: { startedAt: "desc" } });
    expect(call).toMatchObject({ status: "completed", endReason: "caller_hangup" });
  });

  it("prints what Twilio says when the call is not answered by the agent", async () => {
    const { code, out } = await runCli(["--to", uniquePhoneNumber()]);
    expect(code, out).toBe(0);
    expect(out).toContain("twilio  › Sorry, this number is not in service. Goodbye.");
    expect(out).toContain("■ Twilio hangs up");
  });

  it("explains a signature the relay refuses, and bad arguments", async () => {
    const wrong = await runCli(["--to", biz.phone.e164, "--public-url", "https://elsewhere.example"]);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain("refused the webhook's signature");
    const bad = await runCli(["--to", "pizza"]);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("usage: npm run call");
  });
});
