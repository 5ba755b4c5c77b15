// A local server standing in for the part of Twilio's REST API we call: placing an outbound
// call (`POST .../Calls.json` with From, To, Url, StatusCallback and the answering-machine
// detection parameters MachineDetection, AsyncAmd, AsyncAmdStatusCallback), recording a live
// call (`POST .../Calls/{CallSid}/Recordings.json`), reading a recording's audio (`GET
// .../Recordings/{RE…}.mp3`) and deleting it (`DELETE .../Recordings/{RE…}.json`), fetching and updating a
// live call (`POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json` with `Status=completed`
// or `Twiml=...`), and finding and updating the account's numbers (`GET .../IncomingPhoneNumbers.json
// ?PhoneNumber=`, `POST .../IncomingPhoneNumbers/{PN…}.json` with VoiceUrl, StatusCallback…). It checks HTTP basic auth like Twilio, answers with Twilio's call resource and
// error body shapes, and records every request with its arrival time so a test can assert that a
// transfer was dialled only after the hand-off audio had played.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export interface TwilioRestRequest {
  /** Date.now() when the request arrived. */
  at: number;
  /** performance.now() when the request arrived, for ordering against in-process marks. */
  atHr: number;
  method: string;
  path: string;
  accountSid: string | undefined;
  callSid: string | undefined;
  /** The form-encoded body, decoded. */
  params: Record<string, string>;
  authorized: boolean;
  /** The HTTP status the stand-in answered with. */
  status: number;
}

export type StandInCallStatus = "queued" | "ringing" | "in-progress" | "completed" | "canceled";

export interface StandInCall {
  sid: string;
  from: string;
  to: string;
  status: StandInCallStatus;
  direction: "inbound" | "outbound-api";
  startedAt: Date;
  endedAt: Date | undefined;
  /** The last TwiML the call was redirected to (a transfer's `<Dial>`). */
  twiml: string | undefined;
  /** An outbound call's voice webhook and status callback, as created. */
  url?: string;
  statusCallback?: string;
  /** An outbound call's answering-machine detection, as created. */
  machineDetection?: string;
  asyncAmd?: string;
  asyncAmdStatusCallback?: string;
}

export type StandInRecordingStatus = "in-progress" | "completed" | "absent" | "failed" | "deleted";

/** A recording the stand-in made of a call, with the audio it serves for it. */
export interface StandInRecording {
  sid: string;
  callSid: string;
  status: StandInRecordingStatus;
  durationSec: number | null;
  statusCallback: string | undefined;
  statusCallbackEvents: string[];
  channels: string;
  /** What `GET .../Recordings/{sid}.mp3` answers with. */
  audio: Buffer;
}

/** A number the stand-in account owns, with the webhooks Twilio would call for it. */
export interface StandInNumber {
  sid: string;
  phoneNumber: string;
  voiceUrl: string;
  voiceMethod: string;
  statusCallback: string;
  statusCallbackMethod: string;
}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export interface TwilioRestStandIn {
  /** Base URL to hand to the SDK (TWILIO_API_BASE_URL). */
  url: string;
  accountSid: string;
  authToken: string;
  /** Every request, in arrival order. */
  requests: TwilioRestRequest[];
  calls: Map<string, StandInCall>;
  /** The account's numbers, by SID. */
  numbers: Map<string, StandInNumber>;
  /** Recordings made through the API (deleted ones stay, with status `deleted`), by SID. */
  recordings: Map<string, StandInRecording>;
  /** Ends a recording as Twilio does when its call ends: completed, with a duration and audio. */
  completeRecording(sid: string, durationSec: number, audio?: Buffer): StandInRecording;
  /** A finished recording of a call made earlier (seed data for tests that only read it). */
  addRecording(callSid: string, durationSec?: number): StandInRecording;
  /** Gives the account a number (E.164), its webhooks unset. */
  addNumber(phoneNumber: string): StandInNumber;
  /** Registers a live call (in progress unless told otherwise). */
  addCall(sid?: string, init?: Partial<Pick<StandInCall, "from" | "to" | "status">>): StandInCall;
  /** The next `count` call requests fail with this HTTP status (an outage, a 429). */
  failNext(count: number, status?: 429 | 500 | 503): void;
  /** Called after an outbound call is created and answered with 201 (a test can then "answer" it). */
  onCallCreated(listener: (call: StandInCall) => void): () => void;
  /** Called after each successful call update (the Twilio simulator can end its stream). */
  onCallUpdated(listener: (call: StandInCall, params: Record<string, string>) => void): () => void;
  /** Resolves with the first request (already seen or future) that matches. */
  waitForRequest(match: (r: TwilioRestRequest) => boolean, timeoutMs?: number): Promise<TwilioRestRequest>;
  close(): Promise<void>;
}

export interface TwilioRestStandInOptions {
  accountSid?: string;
  authToken?: string;
  /**
   * Treat any well-formed CallSid never seen before as a live inbound call, so tests whose
   * calls come from the Twilio simulator need not register them. Off: unknown calls are 404.
   */
  acceptUnknownCalls?: boolean;
}

const CALLS_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\.json$/;
const E164 = /^\+[1-9]\d{6,14}$/;
const CALL_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\.json$/;
const NUMBERS_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/IncomingPhoneNumbers\.json$/;
const NUMBER_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/IncomingPhoneNumbers\/([^/]+)\.json$/;
const CALL_SID = /^CA[0-9a-f]{32}$/;
const CALL_RECORDINGS_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/([^/]+)\/Recordings\.json$/;
const RECORDING_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Recordings\/(RE[0-9a-f]{32})\.(json|mp3|wav)$/;
/** A few bytes that start like an MP3 file (an ID3 tag), then a marker naming the recording. */
export function fakeMp3(label: string): Buffer {
  return Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), Buffer.from(`recording ${label}`), Buffer.alloc(2048, 0xff)]);
}
/** Twilio's documented cap on the Twiml parameter. */
const MAX_TWIML_CHARS = 4000;

export function newCallSid(): string {
  return "CA" + randomBytes(16).toString("hex");
}

export async function startTwilioRestStandIn(opts: TwilioRestStandInOptions = {}): Promise<TwilioRestStandIn> {
  const accountSid = opts.accountSid ?? "AC" + randomBytes(16).toString("hex");
  const authToken = opts.authToken ?? randomBytes(16).toString("hex");
  const acceptUnknownCalls = opts.acceptUnknownCalls ?? true;
  const requests: TwilioRestRequest[] = [];
  const calls = new Map<string, StandInCall>();
  const numbers = new Map<string, StandInNumber>();
  const recordings = new Map<string, StandInRecording>();

  function recordingResource(r: StandInRecording) {
    const now = new Date().toUTCString().replace("GMT", "+0000");
    return {
      sid: r.sid,
      account_sid: accountSid,
      api_version: "2010-04-01",
      call_sid: r.callSid,
      conference_sid: null,
      date_created: now,
      date_updated: now,
      start_time: now,
      duration: r.durationSec === null ? "-1" : String(r.durationSec),
      price: null,
      price_unit: "USD",
      status: r.status,
      channels: r.channels === "dual" ? 2 : 1,
      source: "StartCallRecordingAPI",
      error_code: null,
      track: "both",
      encryption_details: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Recordings/${r.sid}.json`,
    };
  }

  /** Recordings: create on a live call, read its audio, delete it. */
  function answerRecordings(method: string, path: string, params: Record<string, string>): { status: number; body: unknown; audio?: Buffer } | undefined {
    const create = CALL_RECORDINGS_PATH.exec(path);
    if (create && create[1] === accountSid && method === "POST") {
      let call = calls.get(create[2]!);
      if (!call && acceptUnknownCalls && CALL_SID.test(create[2]!)) call = addCall(create[2]!);
      if (!call) return { status: 404, body: errorBody(404, 20404, `The requested resource ${path} was not found`) };
      if (call.status !== "in-progress") return { status: 400, body: errorBody(400, 21220, "Call is not in-progress. Cannot create a recording.") };
      const rec: StandInRecording = {
        sid: "RE" + randomBytes(16).toString("hex"), callSid: call.sid, status: "in-progress", durationSec: null,
        statusCallback: params.RecordingStatusCallback, statusCallbackEvents: (params.RecordingStatusCallbackEvent ?? "completed").split(/[ ,]+/).filter(Boolean),
        channels: params.RecordingChannels ?? "mono", audio: Buffer.alloc(0),
      };
      recordings.set(rec.sid, rec);
      return { status: 201, body: recordingResource(rec) };
    }
    const one = RECORDING_PATH.exec(path);
    if (!one || one[1] !== accountSid) return undefined;
    const rec = recordings.get(one[2]!);
    if (!rec || rec.status === "deleted") return { status: 404, body: errorBody(404, 20404, `The requested resource ${path} was not found`) };
    if (method === "DELETE" && one[3] === "json") {
      rec.status = "deleted";
      return { status: 204, body: undefined };
    }
    if (method === "GET" && one[3] === "json") return { status: 200, body: recordingResource(rec) };
    if (method === "GET") {
      if (rec.status !== "completed") return { status: 404, body: errorBody(404, 20404, "The recording is not available yet") };
      return { status: 200, body: undefined, audio: rec.audio };
    }
    return { status: 405, body: errorBody(405, 20004, "Method not allowed") };
  }

  function addNumber(phoneNumber: string): StandInNumber {
    const number = { sid: "PN" + randomBytes(16).toString("hex"), phoneNumber, voiceUrl: "", voiceMethod: "POST", statusCallback: "", statusCallbackMethod: "POST" };
    numbers.set(number.sid, number);
    return number;
  }

  function numberResource(n: StandInNumber) {
    return {
      sid: n.sid,
      account_sid: accountSid,
      api_version: "2010-04-01",
      phone_number: n.phoneNumber,
      friendly_name: n.phoneNumber,
      voice_url: n.voiceUrl || null,
      voice_method: n.voiceMethod,
      voice_fallback_url: null,
      status_callback: n.statusCallback || null,
      status_callback_method: n.statusCallbackMethod,
      capabilities: { voice: true, sms: true, mms: false, fax: false },
      status: "in-use",
      uri: `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
    };
  }

  /** The IncomingPhoneNumbers list (filtered by PhoneNumber) and the update of one number. */
  function answerNumbers(method: string, path: string, query: URLSearchParams, params: Record<string, string>): { status: number; body: unknown } | undefined {
    const list = NUMBERS_PATH.exec(path);
    if (list && list[1] === accountSid && method === "GET") {
      const wanted = query.get("PhoneNumber");
      const pageSize = Number(query.get("PageSize") ?? 50);
      const found = [...numbers.values()].filter((n) => !wanted || n.phoneNumber === wanted).slice(0, pageSize);
      const uri = `/2010-04-01/Accounts/${accountSid}/IncomingPhoneNumbers.json?PageSize=${pageSize}&Page=0`;
      return {
        status: 200,
        body: { incoming_phone_numbers: found.map(numberResource), start: 0, end: Math.max(0, found.length - 1), page: 0, page_size: pageSize, uri, first_page_uri: uri, next_page_uri: null, previous_page_uri: null },
      };
    }
    const one = NUMBER_PATH.exec(path);
    if (one && one[1] === accountSid) {
      const n = numbers.get(one[2]!);
      if (!n) return undefined;
      if (method === "POST") {
        for (const [param, field] of [["VoiceUrl", "voiceUrl"], ["VoiceMethod", "voiceMethod"], ["StatusCallback", "statusCallback"], ["StatusCallbackMethod", "statusCallbackMethod"]] as const) {
          if (params[param] !== undefined) n[field] = params[param]!;
        }
      }
      return { status: 200, body: numberResource(n) };
    }
    return undefined;
  }
  const createListeners = new Set<(call: StandInCall) => void>();
  const updateListeners = new Set<(call: StandInCall, params: Record<string, string>) => void>();
  const waiters = new Set<{ match: (r: TwilioRestRequest) => boolean; resolve: (r: TwilioRestRequest) => void }>();
  const failures: number[] = [];

  function addCall(sid = newCallSid(), init: Partial<Pick<StandInCall, "from" | "to" | "status">> = {}): StandInCall {
    const call: StandInCall = {
      sid,
      from: init.from ?? "+15005550006",
      to: init.to ?? "+15005550001",
      status: init.status ?? "in-progress",
      direction: "inbound",
      startedAt: new Date(),
      endedAt: undefined,
      twiml: undefined,
    };
    calls.set(sid, call);
    return call;
  }

  function errorBody(status: number, code: number, message: string): TwilioErrorBody {
    return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  }

  function callResource(call: StandInCall) {
    const uri = `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}`;
    const rfc2822 = (d: Date | undefined) => (d ? d.toUTCString().replace("GMT", "+0000") : null);
    const durationSec = call.endedAt ? Math.round((call.endedAt.getTime() - call.startedAt.getTime()) / 1000) : null;
    return {
      sid: call.sid,
      account_sid: accountSid,
      api_version: "2010-04-01",
      annotation: null,
      answered_by: null,
      caller_name: null,
      date_created: rfc2822(call.startedAt),
      date_updated: rfc2822(new Date()),
      direction: call.direction,
      duration: durationSec === null ? null : String(durationSec),
      start_time: rfc2822(call.startedAt),
      end_time: rfc2822(call.endedAt),
      forwarded_from: null,
      from: call.from,
      from_formatted: call.from,
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: null,
      price: null,
      price_unit: "USD",
      queue_time: "0",
      status: call.status,
      to: call.to,
      to_formatted: call.to,
      trunk_sid: null,
      uri: `${uri}.json`,
      subresource_uris: {
        notifications: `${uri}/Notifications.json`,
        recordings: `${uri}/Recordings.json`,
        payments: `${uri}/Payments.json`,
        events: `${uri}/Events.json`,
        siprec: `${uri}/Siprec.json`,
        streams: `${uri}/Streams.json`,
        transcriptions: `${uri}/Transcriptions.json`,
        user_defined_message_subscriptions: `${uri}/UserDefinedMessageSubscriptions.json`,
        user_defined_messages: `${uri}/UserDefinedMessages.json`,
      },
    };
  }

  function authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? "";
    const [scheme, encoded] = header.split(" ");
    if (scheme !== "Basic" || !encoded) return false;
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return decoded.slice(0, colon) === accountSid && decoded.slice(colon + 1) === authToken;
  }

  /** Applies an update as Twilio does; returns an error to answer with, or undefined. */
  function applyUpdate(call: StandInCall, params: Record<string, string>): { status: number; body: TwilioErrorBody } | undefined {
    const { Status: status, Twiml: twiml, Url: url } = params;
    if (status !== undefined && status !== "completed" && status !== "canceled") {
      return { status: 400, body: errorBody(400, 20001, `Invalid parameter: Status must be completed or canceled, got '${status}'`) };
    }
    if (twiml !== undefined) {
      if (twiml.length > MAX_TWIML_CHARS) {
        return { status: 400, body: errorBody(400, 20001, `Invalid parameter: Twiml is longer than ${MAX_TWIML_CHARS} characters`) };
      }
      if (!/^\s*(<\?xml[^>]*\?>\s*)?<Response\b[\s\S]*<\/Response>\s*$|^\s*(<\?xml[^>]*\?>\s*)?<Response\s*\/>\s*$/.test(twiml)) {
        return { status: 400, body: errorBody(400, 20001, "Invalid parameter: Twiml must be a <Response> document") };
      }
    }
    const live = call.status === "in-progress" || call.status === "ringing" || call.status === "queued";
    if ((twiml !== undefined || url !== undefined) && !live) {
      return { status: 400, body: errorBody(400, 21220, "Call is not in-progress. Cannot redirect.") };
    }
    if (status === "completed" && live) {
      call.status = "completed";
      call.endedAt = new Date();
    } else if (status === "canceled" && (call.status === "queued" || call.status === "ringing")) {
      // Twilio cancels only calls not yet answered; on a live call `canceled` changes nothing.
      call.status = "canceled";
      call.endedAt = new Date();
    } else if (twiml !== undefined) {
      call.twiml = twiml;
    }
    return undefined;
  }

  async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    return Object.fromEntries(new URLSearchParams(body));
  }

  const server = createServer(async (req, res) => {
    const at = Date.now();
    const atHr = performance.now();
    const path = new URL(req.url ?? "/", "http://stand-in").pathname;
    const match = CALL_PATH.exec(path);
    const params: Record<string, string> = req.method === "POST" ? await readForm(req).catch(() => ({})) : {};
    const record: TwilioRestRequest = {
      at,
      atHr,
      method: req.method ?? "GET",
      path,
      accountSid: match?.[1],
      callSid: match?.[2],
      params,
      authorized: authorized(req),
      status: 0,
    };
    const answer = (status: number, body: unknown, headers?: Record<string, string>, audio?: Buffer) => {
      record.status = status;
      requests.push(record);
      for (const w of waiters) {
        if (w.match(record)) {
          waiters.delete(w);
          w.resolve(record);
        }
      }
      if (audio) {
        res.writeHead(status, { "content-type": "audio/mpeg", "content-length": String(audio.length) });
        res.end(audio);
      } else if (status === 204) {
        res.writeHead(204);
        res.end();
      } else send(res, status, body, headers);
    };

    if (!record.authorized) {
      return answer(401, errorBody(401, 20003, "Authenticate"), { "www-authenticate": 'Basic realm="Twilio API"' });
    }
    const notFound = () => answer(404, errorBody(404, 20404, `The requested resource ${path} was not found`));
    if (CALL_RECORDINGS_PATH.test(path) || RECORDING_PATH.test(path)) {
      const failed = failures.shift();
      if (failed !== undefined) return answer(failed, errorBody(failed, failed === 429 ? 20429 : 20500, "Service Unavailable"));
      const answered = answerRecordings(req.method ?? "GET", path, params);
      return answered ? answer(answered.status, answered.body, undefined, answered.audio) : notFound();
    }
    if (NUMBERS_PATH.test(path) || NUMBER_PATH.test(path)) {
      const failed = failures.shift();
      if (failed !== undefined) return answer(failed, errorBody(failed, failed === 429 ? 20429 : 20500, "Service Unavailable"));
      const answered = answerNumbers(req.method ?? "GET", path, new URL(req.url ?? "/", "http://stand-in").searchParams, params);
      return answered ? answer(answered.status, answered.body) : notFound();
    }
    const create = CALLS_PATH.exec(path);
    if (create && create[1] === accountSid && req.method === "POST") {
      const failed = failures.shift();
      if (failed !== undefined) return answer(failed, errorBody(failed, failed === 429 ? 20429 : 20500, "Service Unavailable"));
      // Twilio's checks, in its words: a dialable To and From, and somewhere to get TwiML.
      if (!E164.test(params.To ?? "")) return answer(400, errorBody(400, 21211, `Invalid 'To' Phone Number: ${params.To ?? ""}`));
      if (!E164.test(params.From ?? "")) return answer(400, errorBody(400, 21212, `Invalid From Number (caller ID): ${params.From ?? ""}`));
      if (!params.Url && !params.Twiml) return answer(400, errorBody(400, 21205, "Url parameter is required."));
      if (params.MachineDetection !== undefined && params.MachineDetection !== "Enable" && params.MachineDetection !== "DetectMessageEnd") {
        return answer(400, errorBody(400, 20001, `Invalid parameter: MachineDetection must be Enable or DetectMessageEnd, got '${params.MachineDetection}'`));
      }
      if (params.AsyncAmd !== undefined && params.AsyncAmd !== "true" && params.AsyncAmd !== "false") {
        return answer(400, errorBody(400, 20001, `Invalid parameter: AsyncAmd must be true or false, got '${params.AsyncAmd}'`));
      }
      const call = addCall(newCallSid(), { from: params.From, to: params.To, status: "queued" });
      call.direction = "outbound-api";
      call.url = params.Url;
      call.statusCallback = params.StatusCallback;
      call.machineDetection = params.MachineDetection;
      call.asyncAmd = params.AsyncAmd;
      call.asyncAmdStatusCallback = params.AsyncAmdStatusCallback;
      answer(201, callResource(call));
      for (const listener of createListeners) listener(call);
      return;
    }
    if (!match || match[1] !== accountSid) return notFound();
    if (req.method !== "POST" && req.method !== "GET") {
      return answer(405, errorBody(405, 20004, "Method not allowed"));
    }
    const failure = failures.shift();
    if (failure !== undefined) {
      const message = failure === 429 ? "Too Many Requests" : "Service Unavailable";
      return answer(failure, errorBody(failure, failure === 429 ? 20429 : 20500, message));
    }
    const sid = match[2]!;
    let call = calls.get(sid);
    if (!call && acceptUnknownCalls && CALL_SID.test(sid)) call = addCall(sid);
    if (!call) return notFound();
    if (req.method === "POST") {
      const error = applyUpdate(call, params);
      if (error) return answer(error.status, error.body);
      for (const listener of updateListeners) listener(call, params);
    }
    return answer(200, callResource(call));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    calls,
    numbers,
    recordings,
    completeRecording(sid, durationSec, audio) {
      const rec = recordings.get(sid);
      if (!rec) throw new Error(`the stand-in made no recording ${sid}`);
      rec.status = "completed";
      rec.durationSec = durationSec;
      rec.audio = audio ?? fakeMp3(sid);
      return rec;
    },
    addRecording(callSid, durationSec = 30) {
      const sid = "RE" + randomBytes(16).toString("hex");
      const rec: StandInRecording = { sid, callSid, status: "completed", durationSec, statusCallback: undefined, statusCallbackEvents: [], channels: "dual", audio: fakeMp3(sid) };
      recordings.set(sid, rec);
      return rec;
    },
    addNumber,
    addCall,
    failNext(count, status = 503) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    onCallCreated(listener) {
      createListeners.add(listener);
      return () => createListeners.delete(listener);
    },
    onCallUpdated(listener) {
      updateListeners.add(listener);
      return () => updateListeners.delete(listener);
    },
    waitForRequest(match, timeoutMs = 5000) {
      const seen = requests.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (r: TwilioRestRequest) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching Twilio REST request within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
