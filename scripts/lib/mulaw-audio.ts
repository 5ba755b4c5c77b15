// Real 8 kHz G.711 μ-law audio for the call simulator and the test stand-ins: encode/decode, silence, a speech-like
// signal a voice-activity detector picks up, and per-frame energy for that detector.
export const SAMPLE_RATE_HZ = 8000;
export const BYTES_PER_MS = 8;
export const FRAME_MS = 20;
export const FRAME_BYTES = FRAME_MS * BYTES_PER_MS;
/** μ-law of a zero sample. */
export const MULAW_SILENCE = 0xff;

const BIAS = 0x84;
const CLIP = 32635;

export function linearToMulaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) {
  const u = ~i & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  DECODE[i] = sign ? -magnitude : magnitude;
}

export function mulawToLinear(byte: number): number {
  return DECODE[byte & 0xff]!;
}

export function silence(ms: number): Buffer {
  return Buffer.alloc(Math.round(ms * BYTES_PER_MS), MULAW_SILENCE);
}

/** A voiced, syllable-like signal (harmonics of a ~140 Hz voice, amplitude-modulated). */
export function speechLike(ms: number, { seed = 1, level = 0.35 }: { seed?: number; level?: number } = {}): Buffer {
  const n = Math.round(ms * BYTES_PER_MS);
  const out = Buffer.alloc(n);
  const f0 = 110 + (seed % 7) * 10;
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE_HZ;
    const syllable = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t + seed);
    const voice = Math.sin(2 * Math.PI * f0 * t) + 0.5 * Math.sin(2 * Math.PI * 2 * f0 * t) + 0.25 * Math.sin(2 * Math.PI * 3 * f0 * t);
    out[i] = linearToMulaw(voice * syllable * level * 18000);
  }
  return out;
}

/** A plain tone: the stand-in model's "voice". */
export function tone(ms: number, freqHz = 440, level = 0.2): Buffer {
  const n = Math.round(ms * BYTES_PER_MS);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = linearToMulaw(Math.sin((2 * Math.PI * freqHz * i) / SAMPLE_RATE_HZ) * level * 32767);
  return out;
}

/** RMS of a μ-law buffer on a 0..1 scale. */
export function rmsLevel(mulaw: Buffer, start = 0, end = mulaw.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = DECODE[mulaw[i]!]! / 32768;
    sum += v * v;
  }
  return Math.sqrt(sum / (end - start));
}

/** Splits audio into 20 ms frames (the last one padded with silence). */
export function frames(audio: Buffer, frameBytes = FRAME_BYTES): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < audio.length; i += frameBytes) {
    const f = audio.subarray(i, i + frameBytes);
    out.push(f.length === frameBytes ? f : Buffer.concat([f, Buffer.alloc(frameBytes - f.length, MULAW_SILENCE)]));
  }
  return out;
}

export type VadEvent = { type: "speech_started"; audioStartMs: number } | { type: "speech_stopped"; audioEndMs: number };

/**
 * Energy-based voice activity detection over 20 ms frames, with server_vad's knobs:
 * speech starts at the first loud frame (reported `prefixPaddingMs` earlier) and stops
 * after `silenceMs` of quiet.
 */
export class VoiceActivityDetector {
  private carry = Buffer.alloc(0);
  private processedMs = 0;
  private speaking = false;
  private quietMs = 0;
  constructor(private opts: { thresholdRms?: number; silenceMs?: number; prefixPaddingMs?: number } = {}) {}

  configure(opts: { thresholdRms?: number; silenceMs?: number; prefixPaddingMs?: number }) {
    this.opts = { ...this.opts, ...opts };
  }

  push(audio: Buffer): VadEvent[] {
    const events: VadEvent[] = [];
    const threshold = this.opts.thresholdRms ?? 0.03;
    const silenceMs = this.opts.silenceMs ?? 500;
    const prefixMs = this.opts.prefixPaddingMs ?? 300;
    const all = this.carry.length ? Buffer.concat([this.carry, audio]) : audio;
    let i = 0;
    for (; i + FRAME_BYTES <= all.length; i += FRAME_BYTES) {
      const loud = rmsLevel(all, i, i + FRAME_BYTES) > threshold;
      if (!this.speaking && loud) {
        this.speaking = true;
        this.quietMs = 0;
        events.push({ type: "speech_started", audioStartMs: Math.max(0, this.processedMs - prefixMs) });
      } else if (this.speaking) {
        this.quietMs = loud ? 0 : this.quietMs + FRAME_MS;
        if (this.quietMs >= silenceMs) {
          this.speaking = false;
          events.push({ type: "speech_stopped", audioEndMs: this.processedMs + FRAME_MS - this.quietMs });
        }
      }
      this.processedMs += FRAME_MS;
    }
    this.carry = Buffer.from(all.subarray(i));
    return events;
  }
}
