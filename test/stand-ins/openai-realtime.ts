// A local OpenAI Realtime server speaking the GA protocol over plain ws, for tests and the
// relay benchmark. It does what the relay depends on: session.update, μ-law input with
// server-side voice activity detection, transcription of caller turns, audio responses
// streamed faster than real time, function calls, cancel (by the client or by a barge-in),
// truncate — refused, as the real API does, past the audio it produced — and usage.
// Scenarios script what the caller "said" and how the agent answers. A connection can be
// dropped mid-call (closed by the server, or cut without a close) and new connections
// refused, to test how the relay recovers.
import { createServer, type IncomingMessage, type Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { BYTES_PER_MS, tone, VoiceActivityDetector } from "./audio.ts";

export type Reply =
  | { say: string }
  | { tool: { name: string; arguments: Record<string, unknown> }; sayFirst?: string; then: (output: string) => string };

export interface Scenario {
  /** What the caller says in each detected turn, in order (the transcription results). */
  callerTurns?: string[];
  /** How the agent answers caller turn `index` (default: a short acknowledgement). */
  reply?: (turn: { index: number; transcript: string }) => Reply;
  /** Spoken length of the agent's words. */
  msPerWord?: number;
  /** How much faster than real time audio is produced (the real API bursts). */
  speedup?: number;
  /** Sizes of successive audio deltas in ms, cycled: irregular on purpose. */
  deltaMs?: number[];
  /** Deltas still "in flight" after a cancel, as on a real network. */
  lateDeltasAfterCancel?: number;
  /** Echo every appended audio chunk back as agent audio (the benchmark's model). */
  echo?: boolean;
  /** Delay the WebSocket handshake, like a slow connect to the API. */
  acceptDelayMs?: number;
}

export interface ItemRecord {
  id: string;
  responseId: string;
  type: "message" | "function_call";
  text: string;
  producedBytes: number;
  truncatedAtMs?: number;
}

export interface ResponseRecord {
  id: string;
  status: "in_progress" | "completed" | "cancelled";
  itemIds: string[];
  usage?: Record<string, unknown>;
}

type Json = Record<string, any>;

export class StandInConnection {
  readonly received: Json[] = [];
  readonly sent: Json[] = [];
  readonly items = new Map<string, ItemRecord>();
  readonly responses: ResponseRecord[] = [];
  readonly truncations: { itemId: string; audioEndMs: number; producedMs: number }[] = [];
  readonly errors: Json[] = [];
  readonly inputAudio: Buffer[] = [];
  appendedBytes = 0;
  appendsBeforeSessionUpdate = 0;
  session: Json | undefined;
  closed = false;
  dropped = false;
  readonly closedPromise: Promise<void>;
  private vad = new VoiceActivityDetector();
  private turnIndex = 0;
  private active: { rec: ResponseRecord; timer?: NodeJS.Timeout; stop: (reason: string) => void } | undefined;
  private pendingToolThen: ((output: string) => string) | undefined;
  private lastToolOutput: string | undefined;
  private callerItemId: string | undefined;
  private seq = 0;
  private waiters: { pred: () => boolean; resolve: () => void }[] = [];
  private echoItem: { responseId: string; itemId: string } | undefined;

  constructor(
    readonly ws: WebSocket,
    readonly request: IncomingMessage,
    private scenario: Scenario,
  ) {
    this.closedPromise = new Promise((resolve) => ws.on("close", () => ((this.closed = true), this.check(), resolve())));
    ws.on("message", (data: Buffer) => this.onMessage(data));
    this.emit({ type: "session.created", session: { type: "realtime", object: "realtime.session", id: this.id("sess") } });
  }

  get model(): string | null {
    return new URL(this.request.url ?? "/", "http://x").searchParams.get("model");
  }
  get appendedMs(): number {
    return this.appendedBytes / BYTES_PER_MS;
  }
  receivedOfType(type: string): Json[] {
    return this.received.filter((e) => e.type === type);
  }
  sentOfType(type: string): Json[] {
    return this.sent.filter((e) => e.type === type);
  }
  /** Resolves once `pred` holds (checked after every event in or out). */
  waitFor(pred: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`stand-in: timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ pred, resolve: () => (clearTimeout(t), resolve()) });
    });
  }
  close() {
    this.ws.close();
  }
  /**
   * The server ends the session mid-call, as the API does on an internal error: a close
   * frame (1011), nothing more from this session. Frames already on their way in are still
   * read, as a WebSocket does until the peer's close arrives.
   */
  drop(code = 1011, reason = "server_error") {
    this.dropped = true;
    if (this.active) clearTimeout(this.active.timer);
    this.ws.close(code, reason);
  }
  /** The connection is cut with no close frame (a network failure). */
  cut() {
    this.dropped = true;
    if (this.active) clearTimeout(this.active.timer);
    this.ws.terminate();
  }

  private check() {
    this.waiters = this.waiters.filter((w) => (w.pred() ? (w.resolve(), false) : true));
  }
  private id(prefix: string): string {
    return `${prefix}_${(++this.seq).toString(36).padStart(6, "0")}${Math.random().toString(36).slice(2, 8)}`;
  }
  private emit(event: Json) {
    if (this.closed || this.dropped) return;
    const full = { event_id: this.id("event"), ...event };
    if (event.type !== "response.output_audio.delta") this.sent.push(full);
    this.ws.send(JSON.stringify(full));
    this.check();
  }
  private error(code: string, message: string, extra: Json = {}) {
    const e = { type: "error", error: { type: "invalid_request_error", code, message, ...extra } };
    this.errors.push(e);
    this.emit(e);
  }

  private onMessage(data: Buffer) {
    if (this.scenario.echo) return this.onEchoMessage(data);
    let event: Json;
    try {
      event = JSON.parse(data.toString("utf8"));
    } catch {
      return this.error("invalid_json", "The server could not parse the JSON.");
    }
    if (event.type === "input_audio_buffer.append") {
      const audio = Buffer.from(String(event.audio ?? ""), "base64");
      if (!this.session) this.appendsBeforeSessionUpdate++;
      this.appendedBytes += audio.length;
      this.inputAudio.push(audio);
      this.received.push({ type: event.type, bytes: audio.length });
      for (const v of this.vad.push(audio)) this.onVad(v);
      this.check();
      return;
    }
    this.received.push(event);
    switch (event.type) {
      case "session.update":
        return this.onSessionUpdate(event.session);
      case "response.create":
        return this.onResponseCreate(event.response ?? {});
      case "response.cancel":
        if (!this.active || (event.response_id && event.response_id !== this.active.rec.id)) {
          return this.error("response_cancel_not_active", "Cancellation failed: no active response found.");
        }
        return this.active.stop("client_cancelled");
      case "conversation.item.truncate":
        return this.onTruncate(event);
      case "conversation.item.create":
        if (event.item?.type === "function_call_output") this.lastToolOutput = String(event.item.output ?? "");
        this.emit({ type: "conversation.item.added", item: { id: this.id("item"), ...event.item } });
        return;
      default:
        this.check();
    }
  }

  private onSessionUpdate(session: Json | undefined) {
    if (!session || session.type !== "realtime") {
      return this.error("invalid_value", "session.type must be 'realtime'", { param: "session.type" });
    }
    this.session = { ...(this.session ?? {}), ...session };
    const td = session.audio?.input?.turn_detection;
    if (td?.type === "server_vad") this.vad.configure({ silenceMs: td.silence_duration_ms, prefixPaddingMs: td.prefix_padding_ms });
    if (td?.type === "semantic_vad") this.vad.configure({ silenceMs: td.eagerness === "high" ? 300 : td.eagerness === "low" ? 900 : 500 });
    this.emit({ type: "session.updated", session: this.session });
  }

  private get turnDetection(): Json | null {
    return this.session?.audio?.input?.turn_detection ?? null;
  }

  private onVad(v: { type: "speech_started"; audioStartMs: number } | { type: "speech_stopped"; audioEndMs: number }) {
    if (!this.turnDetection) return;
    if (v.type === "speech_started") {
      this.callerItemId = this.id("item");
      this.emit({ type: "input_audio_buffer.speech_started", audio_start_ms: v.audioStartMs, item_id: this.callerItemId });
      if (this.active && this.turnDetection.interrupt_response !== false) this.active.stop("turn_detected");
      return;
    }
    const itemId = this.callerItemId ?? this.id("item");
    this.emit({ type: "input_audio_buffer.speech_stopped", audio_end_ms: v.audioEndMs, item_id: itemId });
    this.emit({ type: "input_audio_buffer.committed", item_id: itemId, previous_item_id: null });
    const index = this.turnIndex++;
    const transcript = this.scenario.callerTurns?.[index] ?? "";
    const item = { id: itemId, type: "message", role: "user", status: "completed", content: [{ type: "input_audio", transcript: null }] };
    this.emit({ type: "conversation.item.added", item });
    this.emit({ type: "conversation.item.done", item });
    if (this.session?.audio?.input?.transcription?.model) {
      this.emit({ type: "conversation.item.input_audio_transcription.completed", item_id: itemId, content_index: 0, transcript });
    }
    if (this.turnDetection.create_response !== false && !this.active) {
      const reply = this.scenario.reply?.({ index, transcript }) ?? { say: "Sure, I can help with that." };
      this.respond(reply);
    }
  }

  private onResponseCreate(response: Json) {
    if (this.active) return this.error("conversation_already_has_active_response", "Conversation already has an active response in progress.");
    if (this.scenario.echo) return;
    const instructions = typeof response.instructions === "string" ? response.instructions : "";
    const exact = /say exactly[^:]*:\s*([\s\S]+)$/i.exec(instructions);
    if (exact) return this.respond({ say: exact[1]!.trim() });
    if (this.pendingToolThen && this.lastToolOutput !== undefined) {
      const then = this.pendingToolThen;
      this.pendingToolThen = undefined;
      return this.respond({ say: then(this.lastToolOutput) });
    }
    this.respond({ say: "How else can I help?" });
  }

  private onTruncate(event: Json) {
    const item = this.items.get(event.item_id);
    if (!item || item.type !== "message") return this.error("invalid_value", `Item ${event.item_id} is not an assistant audio item.`, { param: "item_id" });
    const producedMs = item.producedBytes / BYTES_PER_MS;
    const endMs = Number(event.audio_end_ms);
    if (!Number.isInteger(endMs) || endMs < 0) return this.error("invalid_value", "audio_end_ms must be a non-negative integer.", { param: "audio_end_ms" });
    if (endMs > producedMs) {
      return this.error("invalid_value", `Audio content of ${producedMs}ms is already shorter than ${endMs}ms`, { param: "audio_end_ms" });
    }
    item.truncatedAtMs = endMs;
    this.truncations.push({ itemId: item.id, audioEndMs: endMs, producedMs });
    this.emit({ type: "conversation.item.truncated", item_id: item.id, content_index: 0, audio_end_ms: endMs });
  }

  /** Plays one response: optional speech, optional function call. */
  private respond(reply: Reply) {
    const rec: ResponseRecord = { id: this.id("resp"), status: "in_progress", itemIds: [] };
    this.responses.push(rec);
    this.emit({ type: "response.created", response: { id: rec.id, object: "realtime.response", status: "in_progress", output: [] } });
    const text = "say" in reply ? reply.say : reply.sayFirst;
    const finish = (status: "completed" | "cancelled", reason?: string) => {
      if (this.active?.rec !== rec) return;
      this.active = undefined;
      rec.status = status;
      const outMs = rec.itemIds.reduce((ms, id) => ms + (this.items.get(id)?.producedBytes ?? 0) / BYTES_PER_MS, 0);
      const inputTokens = 120 + this.responses.length * 10;
      const outputTokens = Math.ceil(outMs / 50) + 12;
      rec.usage = {
        total_tokens: inputTokens + outputTokens,
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        input_token_details: { text_tokens: 100, audio_tokens: 20 + this.responses.length * 10, cached_tokens: 64 },
        output_token_details: { text_tokens: 12, audio_tokens: Math.ceil(outMs / 50) },
      };
      this.emit({
        type: "response.done",
        response: {
          id: rec.id, object: "realtime.response", status,
          status_details: status === "cancelled" ? { type: "cancelled", reason } : null,
          output: rec.itemIds.map((id) => ({ id, type: this.items.get(id)?.type })), usage: rec.usage,
        },
      });
    };
    const afterSpeech = () => {
      if ("tool" in reply) this.callTool(rec, reply);
      finish("completed");
    };
    this.active = { rec, stop: (reason) => finish("cancelled", reason) };
    if (text) this.speak(rec, text, afterSpeech, (reason) => finish("cancelled", reason));
    else afterSpeech();
  }

  private callTool(rec: ResponseRecord, reply: Extract<Reply, { tool: unknown }>) {
    const tools = (this.session?.tools ?? []) as Json[];
    if (!tools.some((t) => t.name === reply.tool.name)) {
      this.errors.push({ type: "stand-in", message: `model asked for ${reply.tool.name}, which the session did not offer` });
      return;
    }
    const item: ItemRecord = { id: this.id("item"), responseId: rec.id, type: "function_call", text: "", producedBytes: 0 };
    this.items.set(item.id, item);
    rec.itemIds.push(item.id);
    const callId = this.id("call");
    const args = JSON.stringify(reply.tool.arguments);
    const fc = { id: item.id, type: "function_call", call_id: callId, name: reply.tool.name, arguments: "" };
    this.emit({ type: "response.output_item.added", response_id: rec.id, output_index: rec.itemIds.length - 1, item: { ...fc, status: "in_progress" } });
    this.emit({ type: "response.function_call_arguments.delta", response_id: rec.id, item_id: item.id, call_id: callId, delta: args });
    this.emit({ type: "response.function_call_arguments.done", response_id: rec.id, item_id: item.id, output_index: rec.itemIds.length - 1, call_id: callId, name: reply.tool.name, arguments: args });
    this.emit({ type: "response.output_item.done", response_id: rec.id, item: { ...fc, arguments: args, status: "completed" } });
    this.pendingToolThen = reply.then;
  }

  /** Streams `text` as audio deltas (+ transcript deltas), faster than real time. */
  private speak(rec: ResponseRecord, text: string, done: () => void, cancelled: (reason: string) => void) {
    const item: ItemRecord = { id: this.id("item"), responseId: rec.id, type: "message", text, producedBytes: 0 };
    this.items.set(item.id, item);
    rec.itemIds.push(item.id);
    const outputIndex = rec.itemIds.length - 1;
    const base = { response_id: rec.id, item_id: item.id, output_index: outputIndex, content_index: 0 };
    const msg = { id: item.id, object: "realtime.item", type: "message", role: "assistant", status: "in_progress", content: [] };
    this.emit({ type: "response.output_item.added", response_id: rec.id, output_index: outputIndex, item: msg });
    this.emit({ type: "conversation.item.added", item: msg });
    this.emit({ type: "response.content_part.added", ...base, part: { type: "audio", transcript: "" } });
    const words = text.split(/\s+/).filter(Boolean);
    const totalMs = Math.max(200, words.length * (this.scenario.msPerWord ?? 280));
    const audio = tone(totalMs, 300 + (this.items.size % 5) * 60);
    const sizes = this.scenario.deltaMs ?? [40, 100, 60, 120, 20, 80];
    const speedup = this.scenario.speedup ?? 4;
    let offset = 0;
    let n = 0;
    let wordsSent = 0;
    const sendDelta = () => {
      const ms = sizes[n++ % sizes.length]!;
      const chunk = audio.subarray(offset, Math.min(audio.length, offset + ms * BYTES_PER_MS));
      offset += chunk.length;
      item.producedBytes += chunk.length;
      this.emit({ type: "response.output_audio.delta", ...base, delta: chunk.toString("base64") });
      const due = Math.ceil((offset / audio.length) * words.length);
      if (due > wordsSent) {
        this.emit({ type: "response.output_audio_transcript.delta", ...base, delta: (wordsSent ? " " : "") + words.slice(wordsSent, due).join(" ") });
        wordsSent = due;
      }
      return chunk.length;
    };
    const finishItem = (status: "completed" | "incomplete") => {
      const heardText = status === "completed" ? text : words.slice(0, wordsSent).join(" ");
      this.emit({ type: "response.output_audio.done", ...base });
      this.emit({ type: "response.output_audio_transcript.done", ...base, transcript: heardText });
      this.emit({ type: "response.content_part.done", ...base, part: { type: "audio", transcript: heardText } });
      this.emit({ type: "response.output_item.done", response_id: rec.id, output_index: outputIndex, item: { ...msg, status } });
    };
    const tick = () => {
      if (this.active?.rec !== rec) return;
      if (offset >= audio.length) {
        finishItem("completed");
        return done();
      }
      const bytes = sendDelta();
      this.active.timer = setTimeout(tick, bytes / BYTES_PER_MS / speedup);
    };
    const active = this.active!;
    active.stop = (reason) => {
      clearTimeout(active.timer);
      for (let i = 0; i < (this.scenario.lateDeltasAfterCancel ?? 2) && offset < audio.length; i++) sendDelta();
      finishItem("incomplete");
      cancelled(reason);
    };
    tick();
  }

  // The benchmark's model: every appended chunk comes straight back as agent audio.
  private static readonly AUDIO_KEY = Buffer.from('"audio":"');
  private onEchoMessage(data: Buffer) {
    const at = data.indexOf(StandInConnection.AUDIO_KEY);
    if (at !== -1 && data.indexOf("input_audio_buffer.append") !== -1) {
      const start = at + StandInConnection.AUDIO_KEY.length;
      const audio = data.toString("latin1", start, data.indexOf(0x22, start));
      this.appendedBytes += (audio.length * 3) / 4;
      // A client that never asked for a response still gets its audio back.
      this.echoItem ??= { responseId: this.id("resp"), itemId: this.id("item") };
      {
        this.ws.send(`{"type":"response.output_audio.delta","response_id":"${this.echoItem.responseId}","item_id":"${this.echoItem.itemId}","output_index":0,"content_index":0,"delta":"${audio}"}`);
      }
      return;
    }
    const event = JSON.parse(data.toString("utf8")) as Json;
    this.received.push(event);
    if (event.type === "session.update") this.onSessionUpdate(event.session);
    if (event.type === "response.create" && !this.echoItem) {
      this.echoItem = { responseId: this.id("resp"), itemId: this.id("item") };
      this.emit({ type: "response.created", response: { id: this.echoItem.responseId, status: "in_progress", output: [] } });
      this.emit({ type: "response.output_item.added", response_id: this.echoItem.responseId, output_index: 0, item: { id: this.echoItem.itemId, type: "message", role: "assistant" } });
    }
  }
}

export interface RealtimeStandIn {
  /** ws:// URL to put in OPENAI_REALTIME_URL. */
  url: string;
  readonly connections: StandInConnection[];
  /** Resolves with the next connection to arrive (or the n-th overall, from 1). */
  connection(n?: number, timeoutMs?: number): Promise<StandInConnection>;
  /** Scenario for connections made from now on. */
  setScenario(s: Scenario): void;
  /** The next `count` connection attempts are refused with this HTTP status. */
  refuseNext(count: number, status?: number): void;
  /** Connection attempts refused so far. */
  readonly refused: number;
  close(): Promise<void>;
}

export async function startRealtimeStandIn(scenario: Scenario = {}, port = 0): Promise<RealtimeStandIn> {
  let current = scenario;
  let refuse: number[] = [];
  let refused = 0;
  const connections: StandInConnection[] = [];
  const waiting: { n: number; resolve: (c: StandInConnection) => void }[] = [];
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({
    server,
    path: "/v1/realtime",
    perMessageDeflate: false,
    skipUTF8Validation: true,
    verifyClient: (info, cb) => {
      const auth = info.req.headers.authorization ?? "";
      if (!/^Bearer \S+/.test(auth)) return cb(false, 401, "Unauthorized");
      const status = refuse.shift();
      if (status !== undefined) {
        refused++;
        return cb(false, status, "Service Unavailable");
      }
      const delay = current.acceptDelayMs ?? 0;
      if (delay > 0) setTimeout(() => cb(true), delay);
      else cb(true);
    },
  });
  wss.on("connection", (ws, req) => {
    const c = new StandInConnection(ws, req, current);
    connections.push(c);
    for (const w of waiting.splice(0)) {
      if (connections.length >= w.n) w.resolve(connections[w.n - 1]!);
      else waiting.push(w);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  return {
    url: `ws://127.0.0.1:${actualPort}/v1/realtime`,
    connections,
    connection(n = connections.length + 1, timeoutMs = 10_000) {
      if (connections.length >= n) return Promise.resolve(connections[n - 1]!);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`stand-in: no model connection #${n} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({ n, resolve: (c) => (clearTimeout(t), resolve(c)) });
      });
    },
    setScenario(s) {
      current = s;
    },
    refuseNext(count, status = 503) {
      refuse = Array.from({ length: count }, () => status);
    },
    get refused() {
      return refused;
    },
    async close() {
      for (const c of connections) c.ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
