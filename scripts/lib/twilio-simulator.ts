// A simulated Twilio for `npm run call` and the tests: signs and posts the voice webhook and
// status callbacks exactly as Twilio does, reads the TwiML answer, opens the Media Stream
// with a signed upgrade, sends real 8 kHz μ-law frames on a steady clock (real time or
// faster), and behaves like a phone on the way back: plays the agent's audio at the same
// pace, echoes marks when the audio before them has played (promptly or late), honours
// `clear` (dropping queued audio and echoing its marks), sends DTMF and stop, and ends the
// stream when the call is redirected or completed through Twilio's REST API (the REST API
// itself has a stand-in in test/stand-ins/twilio-rest.ts). When the relay ends the stream
// itself, it asks the `<Connect action>` URL what comes next, as Twilio does.
import { randomBytes } from "node:crypto";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks.js";
import WebSocket from "ws";
import { BYTES_PER_MS, FRAME_BYTES, FRAME_MS, MULAW_SILENCE, silence, speechLike } from "./mulaw-audio.ts";

export const sid = (prefix: string) => prefix + randomBytes(16).toString("hex");

export interface ParsedTwiml {
  xml: string;
  says: string[];
  hangup: boolean;
  dial: string | null;
  stream: { url: string; parameters: Record<string, string> } | null;
  /** The `<Connect action>` URL: asked what to do once the stream ends. */
  connectAction: string | null;
}

const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** Reads the TwiML verbs the relay uses. */
export function parseTwiml(xml: string): ParsedTwiml {
  const attr = (tag: string, name: string) => {
    const m = new RegExp(`${name}="([^"]*)"`).exec(tag);
    return m ? unescapeXml(m[1]!) : undefined;
  };
  const says = [...xml.matchAll(/<Say[^>]*>([\s\S]*?)<\/Say>/g)].map((m) => unescapeXml(m[1]!));
  const dialMatch = /<Dial[^>]*>([\s\S]*?)<\/Dial>/.exec(xml);
  const dialNumber = dialMatch ? /<Number[^>]*>([\s\S]*?)<\/Number>/.exec(dialMatch[1]!)?.[1] ?? dialMatch[1]! : null;
  const streamTag = /<Connect[^>]*>\s*<Stream([^>]*)>([\s\S]*?)<\/Stream>/.exec(xml) ?? /<Connect[^>]*>\s*<Stream([^>]*)\/>/.exec(xml);
  let stream: ParsedTwiml["stream"] = null;
  if (streamTag) {
    const parameters: Record<string, string> = {};
    for (const p of (streamTag[2] ?? "").matchAll(/<Parameter([^>]*)\/>/g)) parameters[attr(p[1]!, "name")!] = attr(p[1]!, "value") ?? "";
    stream = { url: attr(streamTag[1]!, "url")!, parameters };
  }
  const connectTag = /<Connect([^>]*)>/.exec(xml);
  const connectAction = connectTag ? attr(connectTag[1]!, "action") ?? null : null;
  return { xml, says, hangup: /<Hangup\s*\/>/.test(xml), dial: dialNumber ? unescapeXml(dialNumber.trim()) : null, stream, connectAction };
}

export interface TwilioSimulatorOptions {
  /** Where the relay really listens, e.g. http://127.0.0.1:4321. */
  relayUrl: string;
  /** The relay's PUBLIC_BASE_URL: what Twilio signs. */
  publicBaseUrl: string;
  authToken: string;
  accountSid?: string;
}

export interface MarkPolicy {
  /** Extra delay (ms, wall clock) before a played mark is echoed: 0 = promptly. */
  lateByMs?: number;
  /**
   * Hold echoes that fall due after the caller starts talking until the relay's `clear`
   * (or until the caller stops): no echo is then in flight across the barge-in, so a test
   * knows exactly which marks the relay had seen before it cleared.
   */
  holdWhileCallerSpeaks?: boolean;
}

export interface CallOptions {
  from?: string;
  to: string;
  callSid?: string;
  /** Frames per 20 ms of audio time: 1 = real time, 4 = four times faster. */
  speed?: number;
  marks?: MarkPolicy;
  /** Send a signature made with the wrong token. */
  forgeSignature?: boolean;
  /** Replace the token the TwiML gave. */
  tokenOverride?: string;
  /** Open the stream but send no `start` yet. */
  holdStart?: boolean;
  /**
   * An outbound call the REST API placed, answered by the person called: Twilio then requests
   * the call's own webhook URL (as created) with Direction=outbound-api, From = the business.
   */
  outbound?: { url: string };
}

export type TraceEvent =
  | { kind: "media"; bytes: number }
  | { kind: "mark"; name: string }
  | { kind: "clear" }
  | { kind: "echo"; name: string; afterClear: boolean }
  /** The caller began (or stopped) talking; `heardMs`: agent audio played since they last spoke. */
  | { kind: "speech"; started: boolean; heardMs?: number };

export class TwilioSimulator {
  private calls = new Map<string, PhoneCall>();
  readonly accountSid: string;

  constructor(readonly opts: TwilioSimulatorOptions) {
    this.accountSid = opts.accountSid ?? sid("AC");
  }

  sign(url: string, params: Record<string, string>, token = this.opts.authToken): string {
    return getExpectedTwilioSignature(token, url, params);
  }

  /** POSTs a form to the relay the way Twilio does (signed over the public URL). */
  async post(path: string, params: Record<string, string>, { forge = false, signature }: { forge?: boolean; signature?: string | null } = {}) {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    const sig = signature === undefined ? this.sign(this.opts.publicBaseUrl + path, params, forge ? "not-the-auth-token" : this.opts.authToken) : signature;
    if (sig !== null) headers["x-twilio-signature"] = sig;
    const res = await fetch(this.opts.relayUrl + path, { method: "POST", headers, body: new URLSearchParams(params).toString() });
    return { status: res.status, contentType: res.headers.get("content-type") ?? "", body: await res.text() };
  }

  voiceParams(o: { callSid: string; from: string; to: string; status?: string; direction?: string }): Record<string, string> {
    return {
      AccountSid: this.accountSid, ApiVersion: "2010-04-01", CallSid: o.callSid, CallStatus: o.status ?? "ringing",
      Called: o.to, Caller: o.from, Direction: o.direction ?? "inbound", From: o.from, To: o.to, FromCountry: "US", ToCountry: "US",
    };
  }

  async postVoice(o: { callSid: string; from: string; to: string; direction?: string; path?: string }, opts: { forge?: boolean; signature?: string | null } = {}) {
    const r = await this.post(o.path ?? "/twilio/voice", this.voiceParams(o), opts);
    return { ...r, twiml: r.status === 200 ? parseTwiml(r.body) : null };
  }

  async postStatus(o: { callSid: string; status: string; durationSec?: number; from?: string; to?: string }, opts: { forge?: boolean } = {}) {
    const params = { ...this.voiceParams({ callSid: o.callSid, from: o.from ?? "+15550000001", to: o.to ?? "+15550000002", status: o.status }) };
    if (o.durationSec !== undefined) params.CallDuration = String(o.durationSec);
    return this.post("/twilio/status", params, opts);
  }

  /**
   * Posts one of Twilio's callbacks to the absolute URL it was given (under PUBLIC_BASE_URL),
   * signed over that URL as Twilio signs it: the answering-machine verdict (AsyncAmdStatusCallback)
   * or a recording's status (RecordingStatusCallback).
   */
  async postCallback(url: string, params: Record<string, string>, opts: { forge?: boolean; signature?: string | null } = {}) {
    if (!url.startsWith(this.opts.publicBaseUrl)) throw new Error(`${url} is not under ${this.opts.publicBaseUrl}`);
    return this.post(url.slice(this.opts.publicBaseUrl.length), { AccountSid: this.accountSid, ApiVersion: "2010-04-01", ...params }, opts);
  }

  /** Twilio's asynchronous answering-machine verdict on an outbound call. */
  postAnsweredBy(url: string, o: { callSid: string; answeredBy: string; detectionMs?: number }, opts: { forge?: boolean; signature?: string | null } = {}) {
    return this.postCallback(url, { CallSid: o.callSid, AnsweredBy: o.answeredBy, MachineDetectionDuration: String(o.detectionMs ?? 4200) }, opts);
  }

  /** Dials: voice webhook, then (if the TwiML connects a stream) the media stream. */
  async call(o: CallOptions): Promise<PhoneCall> {
    const callSid = o.callSid ?? sid("CA");
    const from = o.from ?? "+15557654321";
    const outbound = o.outbound ? new URL(o.outbound.url) : undefined;
    const voice = await this.postVoice(
      { callSid, from, to: o.to, ...(outbound ? { direction: "outbound-api", status: "in-progress", path: outbound.pathname + outbound.search } : {}) },
      { forge: o.forgeSignature },
    );
    const call = new PhoneCall(this, callSid, voice.status, voice.twiml, o);
    this.calls.set(callSid, call);
    if (voice.twiml?.stream) await call.openStream();
    return call;
  }

  /** Opens a media stream straight away (no webhook): for tests of forged streams. */
  async openRawStream(o: CallOptions & { streamUrl: string; token: string; signature?: string | null }): Promise<PhoneCall> {
    const callSid = o.callSid ?? sid("CA");
    const twiml: ParsedTwiml = { xml: "", says: [], hangup: false, dial: null, stream: { url: o.streamUrl, parameters: { token: o.token } }, connectAction: null };
    const call = new PhoneCall(this, callSid, 200, twiml, o);
    this.calls.set(callSid, call);
    await call.openStream(o.signature);
    return call;
  }

  /**
   * Twilio's REST API changed a live call (`Twiml`/`Url`: a redirect such as a transfer's
   * `<Dial>`; `Status=completed`: a hang-up): the call leaves `<Connect>`, so its stream stops.
   * Wire the REST stand-in's `onCallUpdated` here.
   */
  restUpdated(callSid: string, params: Record<string, string>): void {
    this.calls.get(callSid)?.onRestUpdate(params);
  }

  close() {
    for (const c of this.calls.values()) c.close();
  }
}

/** The phone at the moment Twilio's REST API changed the call. */
export interface RestUpdateOnPhone {
  params: Record<string, string>;
  /** The TwiML the call was redirected to, read. */
  twiml: ParsedTwiml | null;
  atHr: number;
  /** Agent audio received and played by then, bytes. */
  receivedBytes: number;
  playedBytes: number;
  /** Agent audio still queued to play, bytes (0: the caller had heard everything sent). */
  queuedBytes: number;
  /** Marks the relay had sent that were not yet echoed (their audio still queued). */
  marksOutstanding: number;
}

type QueueEntry = { audio: Buffer } | { mark: string };

export class PhoneCall {
  readonly streamSid = sid("MZ");
  readonly trace: TraceEvent[] = [];
  readonly received: Record<string, unknown>[] = [];
  ws: WebSocket | undefined;
  closeCode: number | undefined;
  /** Total agent audio played to the caller. */
  playedBytes = 0;
  /** Agent audio played since the caller last stopped talking (or the call began). */
  playedSinceSpeechBytes = 0;
  receivedBytes = 0;
  /** Caller audio sent on the stream, in order. */
  readonly sentAudio: Buffer[] = [];
  /** Changes made to the call through Twilio's REST API, in order. */
  readonly restUpdates: RestUpdateOnPhone[] = [];
  /** What the `<Connect action>` answered once the relay ended the stream (undefined: not asked). */
  afterStream: ParsedTwiml | null | undefined;
  /** The call left `<Connect>` by the caller hanging up or a REST update, not the stream ending. */
  private leftConnect = false;
  private queue: QueueEntry[] = [];
  private queueOffset = 0;
  private outgoing: Buffer[] = [];
  private outgoingOffset = 0;
  private speaking = false;
  private held: string[] = [];
  private seq = 0;
  private mediaMs = 0;
  private chunk = 0;
  private clock: NodeJS.Timeout | undefined;
  private clockStart = 0;
  private ticks = 0;
  private closed: Promise<void> | undefined;
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];

  constructor(
    readonly sim: TwilioSimulator,
    readonly callSid: string,
    readonly voiceStatus: number,
    readonly twiml: ParsedTwiml | null,
    readonly opts: CallOptions,
  ) {}

  get speed() {
    return this.opts.speed ?? 1;
  }
  get playedMs() {
    return this.playedBytes / BYTES_PER_MS;
  }
  get playedSinceSpeechMs() {
    return this.playedSinceSpeechBytes / BYTES_PER_MS;
  }
  /** Agent audio received but not yet played, ms. */
  get queuedMs() {
    return (this.receivedBytes - this.playedBytes) / BYTES_PER_MS;
  }
  /** Agent audio still to play before the next mark in the queue, ms (undefined: no mark queued). */
  get untilNextMarkMs(): number | undefined {
    let bytes = -this.queueOffset;
    for (const e of this.queue) {
      if ("mark" in e) return bytes / BYTES_PER_MS;
      bytes += e.audio.length;
    }
    return undefined;
  }
  get clears() {
    return this.trace.filter((e) => e.kind === "clear").length;
  }

  /** Connects the stream the TwiML named, signed as Twilio signs it, and sends connected + start. */
  async openStream(signature?: string | null): Promise<void> {
    const stream = this.twiml!.stream!;
    const local = new URL(stream.url);
    const target = this.sim.opts.relayUrl.replace(/^http/, "ws") + local.pathname + local.search;
    const sig = signature === undefined ? this.sim.sign(stream.url, {}, this.opts.forgeSignature ? "forged" : this.sim.opts.authToken) : signature;
    const ws = new WebSocket(target, { headers: sig === null ? {} : { "x-twilio-signature": sig }, perMessageDeflate: false });
    this.ws = ws;
    this.closed = new Promise((resolve) =>
      ws.on("close", (code) => {
        this.closeCode = code;
        this.stopClock();
        this.check();
        resolve();
        if (!this.leftConnect) void this.askConnectAction();
      }),
    );
    ws.on("message", (data: Buffer) => this.onMessage(data));
    await new Promise<void>((resolve) => {
      ws.once("open", () => resolve());
      ws.once("error", () => resolve());
      ws.once("unexpected-response", (_req, res) => ((this.closeCode = res.statusCode), resolve()));
    });
    if (ws.readyState !== WebSocket.OPEN) return;
    this.send({ event: "connected", protocol: "Call", version: "1.0.0" });
    if (!this.opts.holdStart) this.start();
  }

  /** Sends `start` and begins the steady frame clock. */
  start(customParameters: Record<string, string> = this.twiml!.stream!.parameters) {
    const params = this.opts.tokenOverride !== undefined ? { ...customParameters, token: this.opts.tokenOverride } : customParameters;
    this.send({
      event: "start", sequenceNumber: String(++this.seq),
      start: {
        accountSid: this.sim.accountSid, streamSid: this.streamSid, callSid: this.callSid, tracks: ["inbound"],
        customParameters: params, mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      },
      streamSid: this.streamSid,
    });
    this.clockStart = performance.now();
    this.scheduleTick();
  }

  /** The caller talks for `ms` (speech-like audio), then is quiet for `silenceAfterMs`. */
  say(ms: number, silenceAfterMs = 700, seed = 1) {
    this.outgoing.push(speechLike(ms, { seed }), silence(silenceAfterMs));
  }

  /** Queues arbitrary caller audio (μ-law). */
  sendAudio(audio: Buffer) {
    this.outgoing.push(audio);
  }

  dtmf(digit: string) {
    this.send({ event: "dtmf", streamSid: this.streamSid, sequenceNumber: String(++this.seq), dtmf: { track: "inbound_track", digit } });
  }

  /** The caller hangs up: Twilio sends stop and closes the socket. */
  async hangUp() {
    this.leftConnect = true;
    this.stopClock();
    this.send({ event: "stop", sequenceNumber: String(++this.seq), streamSid: this.streamSid, stop: { accountSid: this.sim.accountSid, callSid: this.callSid } });
    this.ws?.close(1000);
    await this.closed;
  }

  close() {
    this.stopClock();
    this.ws?.terminate();
  }

  /** Twilio took the call out of `<Connect>`: the stream stops, as when the call ends. */
  onRestUpdate(params: Record<string, string>) {
    const echoed = new Set(this.trace.flatMap((e) => (e.kind === "echo" ? [e.name] : [])));
    this.restUpdates.push({
      params,
      twiml: params.Twiml ? parseTwiml(params.Twiml) : null,
      atHr: performance.now(),
      receivedBytes: this.receivedBytes,
      playedBytes: this.playedBytes,
      queuedBytes: this.queue.reduce((n, e) => n + ("audio" in e ? e.audio.length : 0), 0) - this.queueOffset,
      marksOutstanding: this.trace.filter((e) => e.kind === "mark" && !echoed.has(e.name)).length,
    });
    if (params.Twiml !== undefined || params.Url !== undefined || params.Status === "completed") {
      this.leftConnect = true;
      this.stopClock();
      this.send({ event: "stop", sequenceNumber: String(++this.seq), streamSid: this.streamSid, stop: { accountSid: this.sim.accountSid, callSid: this.callSid } });
      this.ws?.close(1000);
    }
    this.check();
  }

  /** Resolves with what the call did after the relay ended its stream (the action's TwiML). */
  async waitForAfterStream(timeoutMs = 10_000): Promise<ParsedTwiml | null> {
    await this.waitFor(() => this.afterStream !== undefined, timeoutMs, "the <Connect> action's answer");
    return this.afterStream!;
  }

  /** The stream ended while the call was in `<Connect>`: Twilio asks the action what is next. */
  private async askConnectAction() {
    const action = this.twiml?.connectAction;
    if (!action) return;
    const url = new URL(action);
    const params = { ...this.sim.voiceParams({ callSid: this.callSid, from: this.opts.from ?? "+15557654321", to: this.opts.to, status: "in-progress" }) };
    try {
      const r = await this.sim.post(url.pathname + url.search, params);
      this.afterStream = r.status === 200 ? parseTwiml(r.body) : null;
    } catch {
      this.afterStream = null;
    }
    this.check();
  }

  waitFor(pred: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`phone: timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ pred, resolve: () => (clearTimeout(t), resolve()) });
    });
  }
  waitForClose(timeoutMs = 10_000) {
    return this.waitFor(() => this.closeCode !== undefined, timeoutMs, "the stream to close");
  }
  /** Resolves once the caller has heard `ms` of agent audio since they last spoke. */
  waitForHeard(ms: number, timeoutMs = 10_000) {
    return this.waitFor(() => this.playedSinceSpeechMs >= ms, timeoutMs, `${ms} ms of agent audio`);
  }
  /** Resolves once everything queued for the caller has been said and played out. */
  waitForQuiet(timeoutMs = 10_000) {
    return this.waitFor(() => this.outgoing.length === 0 && !this.speaking, timeoutMs, "the caller to finish talking");
  }

  private check() {
    this.waiters = this.waiters.filter((w) => (w.pred() ? (w.resolve(), false) : true));
  }

  private send(msg: Record<string, unknown>) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  private onMessage(data: Buffer) {
    const msg = JSON.parse(data.toString("utf8")) as { event: string; streamSid?: string; media?: { payload: string }; mark?: { name: string } };
    if (msg.event !== "media") this.received.push(msg);
    if (msg.streamSid !== this.streamSid) throw new Error(`relay sent ${msg.event} with streamSid ${msg.streamSid}`);
    if (msg.event === "media") {
      const audio = Buffer.from(msg.media!.payload, "base64");
      this.receivedBytes += audio.length;
      this.trace.push({ kind: "media", bytes: audio.length });
      this.queue.push({ audio });
    } else if (msg.event === "mark") {
      this.trace.push({ kind: "mark", name: msg.mark!.name });
      this.queue.push({ mark: msg.mark!.name });
      this.playUntilAudio(); // a mark with nothing before it is due now
    } else if (msg.event === "clear") {
      this.trace.push({ kind: "clear" });
      // Twilio drops the queued audio and echoes the marks that were waiting on it.
      const dropped = this.queue.flatMap((e) => ("mark" in e ? [e.mark] : []));
      this.queue = [];
      this.queueOffset = 0;
      for (const name of [...this.held, ...dropped]) this.echo(name);
      this.held = [];
    }
    this.check();
  }

  private echo(name: string) {
    const lastClear = this.trace.map((e) => e.kind).lastIndexOf("clear");
    const markAt = this.trace.findIndex((e) => e.kind === "mark" && e.name === name);
    this.trace.push({ kind: "echo", name, afterClear: lastClear > markAt });
    this.send({ event: "mark", sequenceNumber: String(++this.seq), streamSid: this.streamSid, mark: { name } });
  }

  private markPlayed(name: string) {
    const late = this.opts.marks?.lateByMs ?? 0;
    const due = () => {
      if (this.speaking && this.opts.marks?.holdWhileCallerSpeaks) this.held.push(name);
      else this.echo(name);
    };
    if (late > 0) setTimeout(due, late);
    else due();
  }

  /** Echoes marks at the head of the queue (their audio has played). */
  private playUntilAudio() {
    while (this.queue[0] && "mark" in this.queue[0]) this.markPlayed((this.queue.shift() as { mark: string }).mark);
  }

  /** Plays up to one frame of agent audio. */
  private play(bytes: number) {
    while (bytes > 0) {
      this.playUntilAudio();
      const head = this.queue[0];
      if (!head) return;
      const audio = (head as { audio: Buffer }).audio;
      const take = Math.min(bytes, audio.length - this.queueOffset);
      this.queueOffset += take;
      bytes -= take;
      this.playedBytes += take;
      this.playedSinceSpeechBytes += take;
      if (this.queueOffset >= audio.length) {
        this.queue.shift();
        this.queueOffset = 0;
      }
    }
    this.playUntilAudio();
  }

  /** Next 20 ms of caller audio: queued speech, else silence. */
  private nextFrame(): { frame: Buffer; speech: boolean } {
    const head = this.outgoing[0];
    if (!head) return { frame: Buffer.alloc(FRAME_BYTES, MULAW_SILENCE), speech: false };
    const frame = Buffer.alloc(FRAME_BYTES, MULAW_SILENCE);
    let filled = 0;
    let loud = false;
    while (filled < FRAME_BYTES && this.outgoing.length) {
      const cur = this.outgoing[0]!;
      const take = Math.min(FRAME_BYTES - filled, cur.length - this.outgoingOffset);
      cur.copy(frame, filled, this.outgoingOffset, this.outgoingOffset + take);
      for (let i = this.outgoingOffset; i < this.outgoingOffset + take && !loud; i++) if ((cur[i]! & 0x7f) < 0x60) loud = true;
      filled += take;
      this.outgoingOffset += take;
      if (this.outgoingOffset >= cur.length) {
        this.outgoing.shift();
        this.outgoingOffset = 0;
      }
    }
    return { frame, speech: loud };
  }

  private scheduleTick() {
    const periodMs = FRAME_MS / this.speed;
    const due = this.clockStart + this.ticks * periodMs;
    this.clock = setTimeout(() => this.tick(), Math.max(0, due - performance.now()));
  }

  private tick() {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ticks++;
    this.play(FRAME_BYTES);
    const { frame, speech } = this.nextFrame();
    if (speech && !this.speaking) {
      this.speaking = true;
      this.trace.push({ kind: "speech", started: true, heardMs: this.playedSinceSpeechMs });
    } else if (!speech && this.speaking) {
      this.speaking = false;
      this.playedSinceSpeechBytes = 0;
      this.trace.push({ kind: "speech", started: false });
      for (const name of this.held.splice(0)) this.echo(name);
    }
    this.mediaMs += FRAME_MS;
    this.sentAudio.push(frame);
    this.send({
      event: "media", sequenceNumber: String(++this.seq),
      media: { track: "inbound", chunk: String(++this.chunk), timestamp: String(this.mediaMs), payload: frame.toString("base64") },
      streamSid: this.streamSid,
    });
    this.check();
    this.scheduleTick();
  }

  private stopClock() {
    clearTimeout(this.clock);
    this.clock = undefined;
  }
}
