// The browser end of a test call, speaking the relay's browser transport
// (realtime/src/transports/browser.ts): the microphone goes out as 20 ms binary frames of
// 8 kHz μ-law, the agent's μ-law comes back as binary frames and is played in order, and each
// `mark` is echoed once the audio before it has been played (or at once when a `clear` drops
// that audio), as Twilio does: that is what lets the relay know where a barge-in cut the agent
// off. Imported lazily by the test call page, so no other page carries it.

export type LineEnd =
  | { kind: "hung-up"; by: "you" | "agent"; message?: string }
  | { kind: "transferred"; to: string }
  | { kind: "refused"; message: string }
  | { kind: "unreachable" }
  | { kind: "dropped" };

export interface LineEvents {
  /** The relay admitted the call. */
  ready(callId: string): void;
  /** Seconds of agent audio received so far. */
  heard(seconds: number): void;
  ended(end: LineEnd): void;
}

export interface Line {
  hangUp(): void;
}

const RATE = 8000;
const FRAME = 160; // 20 ms

// Runs on the audio thread: averages the microphone down to 8 kHz (a crude low-pass, enough
// for a test call) and posts 20 ms frames already μ-law encoded. A string, as a blob module,
// so the build has no separate worklet file to serve.
const CAPTURE_WORKLET = `
const mulaw = (x) => {
  let s = Math.max(-32768, Math.min(32767, Math.round(x * 32767)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s = Math.min(s, 32635) + 0x84;
  let e = 7;
  for (let m = 0x4000; (s & m) === 0 && e > 0; m >>= 1) e--;
  return ~(sign | (e << 4) | ((s >> (e + 3)) & 0x0f)) & 0xff;
};
registerProcessor("fd-capture", class extends AudioWorkletProcessor {
  constructor() { super(); this.ratio = sampleRate / ${RATE}; this.t = 0; this.sum = 0; this.n = 0; this.k = 0; this.out = new Uint8Array(${FRAME}); }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (!ch) return true;
    for (let i = 0; i < ch.length; i++) {
      this.sum += ch[i]; this.n++; this.t++;
      if (this.t < this.ratio) continue;
      this.t -= this.ratio;
      this.out[this.k++] = mulaw(this.sum / this.n);
      this.sum = 0; this.n = 0;
      if (this.k === ${FRAME}) { this.port.postMessage(this.out, [this.out.buffer]); this.out = new Uint8Array(${FRAME}); this.k = 0; }
    }
    return true;
  }
});`;

const DECODE = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  DECODE[i] = (u & 0x80 ? -magnitude : magnitude) / 32768;
}

/**
 * Opens the call on `url` (the relay's socket URL from POST /v1/test-calls) with the
 * microphone `mic`. `audio` must have been created (or resumed) in the click that started the
 * call, or the browser keeps it silent.
 */
export async function openLine(url: string, mic: MediaStream, audio: AudioContext, on: LineEvents): Promise<Line> {
  const moduleUrl = URL.createObjectURL(new Blob([CAPTURE_WORKLET], { type: "text/javascript" }));
  try {
    await audio.audioWorklet.addModule(moduleUrl);
  } finally {
    URL.revokeObjectURL(moduleUrl);
  }
  const source = audio.createMediaStreamSource(mic);
  const capture = new AudioWorkletNode(audio, "fd-capture");
  const mute = audio.createGain();
  mute.gain.value = 0; // the worklet must be pulled by the graph, but the caller must not hear themselves
  source.connect(capture).connect(mute).connect(audio.destination);

  const socketUrl = new URL(url);
  socketUrl.searchParams.set("format", "binary");
  const ws = new WebSocket(socketUrl);
  ws.binaryType = "arraybuffer";

  let playHead = 0;
  let heardBytes = 0;
  const playing = new Set<AudioBufferSourceNode>();
  const marks: { name: string; at: number }[] = [];
  let opened = false;
  let readySeen = false;
  let end: LineEnd | undefined;

  const sendMark = (name: string) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "mark", name }));
  };
  // Marks whose audio has played out go back to the relay.
  const markTimer = setInterval(() => {
    while (marks.length && marks[0]!.at <= audio.currentTime) sendMark(marks.shift()!.name);
  }, 20);

  capture.port.onmessage = (e: MessageEvent<Uint8Array<ArrayBuffer>>) => {
    if (ws.readyState === WebSocket.OPEN && readySeen) ws.send(e.data);
  };

  function play(bytes: Uint8Array) {
    heardBytes += bytes.length;
    on.heard(heardBytes / RATE);
    const buffer = audio.createBuffer(1, bytes.length, RATE);
    const samples = buffer.getChannelData(0);
    for (let i = 0; i < bytes.length; i++) samples[i] = DECODE[bytes[i]!]!;
    const node = audio.createBufferSource();
    node.buffer = buffer;
    node.connect(audio.destination);
    playHead = Math.max(playHead, audio.currentTime + 0.05);
    node.start(playHead);
    playHead += buffer.duration;
    playing.add(node);
    node.onended = () => playing.delete(node);
  }

  /** Barge-in: the agent stops at once, and the marks of what it will never say go back. */
  function clear() {
    for (const node of playing) node.stop();
    playing.clear();
    playHead = 0;
    for (const m of marks.splice(0)) sendMark(m.name);
  }

  function finish(e: LineEnd) {
    if (end) return;
    end = e;
    clearInterval(markTimer);
    clear();
    capture.port.onmessage = null;
    source.disconnect();
    capture.disconnect();
    for (const t of mic.getTracks()) t.stop();
    if (audio.state !== "closed") audio.close().catch(() => {});
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
    on.ended(e);
  }

  ws.onopen = () => (opened = true);
  ws.onmessage = (e: MessageEvent<ArrayBuffer | string>) => {
    if (typeof e.data !== "string") return play(new Uint8Array(e.data));
    let msg: { type?: string; callId?: string; name?: string; message?: string; to?: string; audio?: string };
    try {
      msg = JSON.parse(e.data);
    } catch {
      return;
    }
    switch (msg.type) {
      case "ready":
        readySeen = true;
        return on.ready(String(msg.callId));
      case "audio":
        return play(Uint8Array.from(atob(msg.audio ?? ""), (c) => c.charCodeAt(0)));
      case "mark":
        return void (playHead > audio.currentTime ? marks.push({ name: String(msg.name), at: playHead }) : sendMark(String(msg.name)));
      case "clear":
        return clear();
      case "hangup":
        return finish({ kind: "hung-up", by: "agent", message: msg.message });
      case "transfer":
        return finish({ kind: "transferred", to: String(msg.to) });
      case "error":
        return finish(readySeen ? { kind: "dropped" } : { kind: "refused", message: String(msg.message) });
    }
  };
  // A socket that never opened: the relay is down, unreachable, or refused the handshake.
  ws.onclose = () => finish(opened ? (readySeen ? { kind: "dropped" } : { kind: "refused", message: "The relay closed the call before it started." }) : { kind: "unreachable" });

  return {
    hangUp() {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "stop" }));
      finish({ kind: "hung-up", by: "you" });
    },
  };
}
