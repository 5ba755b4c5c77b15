// `npm run call -- --to <number> [--say "text"]`: a simulated phone call against the running
// local stack (`npm start`, or the relay alone). It does what Twilio does — signs and posts
// the voice webhook, follows the TwiML, opens the signed media stream and sends the caller's
// audio in real time — and prints the call as it happens: the agent's and the caller's words
// from the call's live transcript, tool calls, and what Twilio would say when the agent does
// not answer. `--say` is spoken with espeak-ng when it is installed; with OPENAI_API_KEY set
// on the server the agent is the real model.
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, type AppConfig } from "@frontdesk/core/config/env";
import { TwilioSimulator, sid, type PhoneCall } from "./lib/twilio-simulator.ts";
import { silence } from "./lib/mulaw-audio.ts";
import { synthesizeCallerSpeech } from "./lib/caller-speech.ts";
import { followTranscript, type FeedEvent } from "./lib/transcript-feed.ts";

const USAGE = `usage: npm run call -- --to <number> [--say "text"] [--from <number>] [--dtmf <digit>]
                        [--base-url http://127.0.0.1:3001] [--public-url <PUBLIC_BASE_URL>] [--max-sec 60]

  --to          the business's number, as dialled (e.g. the demo number npm start prints)
  --say         what the caller says once the greeting has played (spoken with espeak-ng)
  --dtmf        a keypad digit the caller presses after the greeting (e.g. 0 to ask for a person)
  --base-url    where the relay listens (default: this machine's REALTIME_PORT)
  --public-url  the relay's PUBLIC_BASE_URL, which Twilio signs (default: the same environment's)
  --max-sec     hang up after this long at the latest`;

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

function readArgs() {
  try {
    const { values } = parseArgs({
      options: {
        to: { type: "string" },
        say: { type: "string" },
        from: { type: "string", default: "+15005550006" },
        dtmf: { type: "string" },
        "base-url": { type: "string" },
        "public-url": { type: "string" },
        "max-sec": { type: "string", default: "60" },
        // Audio faster than real time (frames and playback): for tests.
        speed: { type: "string", default: "1" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    });
    if (values.help) fail(USAGE, 0);
    const to = values.to?.replace(/[\s().-]/g, "");
    if (!to || !/^\+?\d{7,15}$/.test(to)) fail(`--to needs a phone number such as +15550100100\n\n${USAGE}`, 2);
    if (values.dtmf !== undefined && !/^[0-9*#]$/.test(values.dtmf)) fail("--dtmf takes one keypad key: 0-9, * or #", 2);
    const maxSec = Number(values["max-sec"]);
    const speed = Number(values.speed);
    if (!(maxSec > 0) || !(speed >= 1 && speed <= 20)) fail(`--max-sec must be a positive number of seconds\n\n${USAGE}`, 2);
    return { ...values, to: to.startsWith("+") ? to : `+${to}`, maxSec, speed };
  } catch (err) {
    if (err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")) fail(`${err.message}\n\n${USAGE}`, 2);
    throw err;
  }
}

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the agent has said something and then been quiet for `quietMs` (or `timeoutMs` passed). */
async function agentFinished(phone: PhoneCall, opts: { quietMs: number; timeoutMs: number; after?: number }) {
  const until = Date.now() + opts.timeoutMs;
  const start = opts.after ?? 0;
  let last = phone.receivedBytes;
  let quietSince = Date.now();
  while (Date.now() < until && phone.closeCode === undefined) {
    await sleep(50);
    if (phone.receivedBytes !== last) {
      last = phone.receivedBytes;
      quietSince = Date.now();
    }
    const spoke = phone.receivedBytes > start;
    if (spoke && phone.queuedMs === 0 && Date.now() - quietSince >= opts.quietMs) return;
  }
}

function printEvent(e: FeedEvent) {
  const d = e.data;
  if (e.type === "call.transcript") {
    const role = String(d.role);
    if (role === "tool") console.log(`  tool    › ${d.toolName} (${d.latencyMs} ms)`);
    else console.log(`  ${(role === "system" ? "note" : role).padEnd(7)} › ${d.text}`);
  } else if (e.type === "call.ended") {
    const transferred = d.transferredTo ? `, transferred to ${d.transferredTo}` : "";
    console.log(`■ call ended: ${d.endReason}${transferred} (${d.durationSec ?? "?"} s)`);
  }
}

async function main() {
  const args = readArgs();
  const config = loadConfigOrExit();
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
  const relayUrl = (args["base-url"] ?? `http://${host}:${config.port ?? config.ports.realtime}`).replace(/\/+$/, "");
  const publicBaseUrl = (args["public-url"] ?? (process.env.PUBLIC_BASE_URL || !args["base-url"] ? config.publicBaseUrl : relayUrl)).replace(/\/+$/, "");

  let speech: Buffer | undefined;
  if (args.say) {
    const voiced = synthesizeCallerSpeech(args.say);
    if (voiced.ok) speech = voiced.audio;
    else console.log(`(${voiced.reason}: the caller will stay silent instead of saying "${args.say}")`);
  }

  const sim = new TwilioSimulator({ relayUrl, publicBaseUrl, authToken: config.twilio.authToken });
  const callSid = sid("CA");
  console.log(`→ calling ${args.to} through ${relayUrl} (CallSid ${callSid})`);
  let phone: PhoneCall;
  try {
    phone = await sim.call({ to: args.to, from: args.from, callSid, speed: args.speed });
  } catch (err) {
    fail(`nothing answered at ${relayUrl} (${err instanceof Error ? (err.cause as Error | undefined)?.message ?? err.message : err}); is the stack running? (npm start)`);
  }
  if (phone.voiceStatus === 403) {
    fail(`the relay refused the webhook's signature: run this with the server's TWILIO_AUTH_TOKEN and PUBLIC_BASE_URL (signed for ${publicBaseUrl})`);
  }
  if (phone.voiceStatus !== 200 || !phone.twiml) fail(`the voice webhook answered ${phone.voiceStatus}`);
  if (!phone.twiml.stream) {
    for (const text of phone.twiml.says) console.log(`  twilio  › ${text}`);
    console.log(phone.twiml.dial ? `■ Twilio dials ${phone.twiml.dial}` : "■ Twilio hangs up");
    return;
  }
  if (!phone.ws || phone.closeCode !== undefined) fail(`the media stream was refused (${phone.closeCode ?? "no connection"})`);
  console.log("← connected: the agent is on the line");

  let ended: FeedEvent | undefined;
  const feed = await followTranscript({
    relayUrl, publicBaseUrl, authToken: config.twilio.authToken, callSid,
    onEvent: (e) => {
      printEvent(e);
      if (e.type === "call.ended") ended = e;
    },
  });
  const deadline = setTimeout(() => {
    console.log(`(still talking after ${args.maxSec} s: hanging up)`);
    void phone.hangUp();
  }, args.maxSec * 1000);
  const perceived = (ms: number) => ms / args.speed;

  await agentFinished(phone, { quietMs: perceived(1_000), timeoutMs: perceived(15_000) });
  if (args.dtmf && phone.closeCode === undefined) phone.dtmf(args.dtmf);
  if (speech && phone.closeCode === undefined) {
    const before = phone.receivedBytes;
    phone.sendAudio(Buffer.concat([speech, silence(1_200)]));
    await phone.waitForQuiet(perceived(60_000)).catch(() => {});
    await agentFinished(phone, { quietMs: perceived(1_500), timeoutMs: perceived(20_000), after: before });
  } else if (args.dtmf) {
    await agentFinished(phone, { quietMs: perceived(1_500), timeoutMs: perceived(10_000), after: phone.receivedBytes });
  }

  if (phone.closeCode === undefined) {
    await phone.hangUp();
  } else {
    if (phone.restUpdates.length > 0) console.log("(the relay changed the call through Twilio's REST API)");
    else {
      // Without Twilio credentials the relay just closes the stream; Twilio then goes on with
      // the TwiML after <Connect>.
      console.log("(the relay closed the stream)");
      for (const text of phone.twiml.says) console.log(`  twilio  › ${text}`);
    }
  }
  clearTimeout(deadline);
  const until = Date.now() + 5_000;
  while (!ended && Date.now() < until) await sleep(50);
  feed.close();
  await feed.done.catch(() => {});
  if (!ended) console.log("■ the stream is closed (the relay has not reported the end yet)");
  console.log(`  (heard ${(phone.playedMs / 1000).toFixed(1)} s of the agent's audio)`);
  sim.close();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
