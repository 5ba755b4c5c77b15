// The caller never waits in silence. A tool still running after ~1.5 s lets the agent say a
// short holding phrase (once per wait, and only while the model is free to speak); while
// the model's connection is being restored, the caller hears a soft comfort tone every
// couple of seconds instead of dead air.

export const HOLDING_PHRASE = "One moment please, I'm just checking that for you.";

export interface HoldingDeps {
  /** The agent says the holding phrase (the session knows whether the model is free). */
  sayHoldingPhrase(): void;
  /** Sends the comfort tone (base64 μ-law) straight to the caller. */
  sendTone(payloadB64: string): void;
  /** A tool is still running. */
  toolsRunning(): boolean;
  /** How long a tool runs before the holding phrase (ms). */
  toolMs?: number;
  /** The first comfort tone this long into a reconnect, then one every `toneEveryMs`. */
  toneAfterMs?: number;
  toneEveryMs?: number;
}

export class Holding {
  private toolTimer: NodeJS.Timeout | undefined;
  private toneTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: HoldingDeps) {}

  /** A tool started (the wait is timed from the first of a batch). */
  toolStarted(): void {
    if (this.toolTimer || this.stopped) return;
    this.toolTimer = setTimeout(() => {
      this.toolTimer = undefined;
      if (this.deps.toolsRunning()) this.deps.sayHoldingPhrase();
    }, this.deps.toolMs ?? 1_500);
  }

  /** Every tool has answered. */
  toolsSettled(): void {
    clearTimeout(this.toolTimer);
    this.toolTimer = undefined;
  }

  /** The model's socket dropped: comfort tones until it is back. */
  modelDropped(): void {
    if (this.toneTimer || this.stopped) return;
    const tone = () => {
      this.deps.sendTone(COMFORT_TONE);
      this.toneTimer = setTimeout(tone, this.deps.toneEveryMs ?? 2_000);
    };
    this.toneTimer = setTimeout(tone, this.deps.toneAfterMs ?? 400);
  }

  modelRestored(): void {
    clearTimeout(this.toneTimer);
    this.toneTimer = undefined;
  }

  /** The call ended: no timer outlives it. */
  stop(): void {
    this.stopped = true;
    this.toolsSettled();
    this.modelRestored();
  }
}

/** G.711 μ-law encoding of one 16-bit linear sample. */
function mulaw(sample: number): number {
  const BIAS = 0x84;
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(Math.abs(sample), 32_635) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Two soft 440 Hz pips, 120 ms each with 10 ms fades, 8 kHz μ-law: 360 ms in all. */
function comfortTone(): string {
  const rate = 8000;
  const pip = (0.12 * rate) | 0;
  const gap = (0.12 * rate) | 0;
  const fade = (0.01 * rate) | 0;
  const out = Buffer.alloc(pip * 2 + gap, mulaw(0));
  for (const start of [0, pip + gap]) {
    for (let i = 0; i < pip; i++) {
      const envelope = Math.min(1, i / fade, (pip - i) / fade);
      out[start + i] = mulaw(Math.round(2_500 * envelope * Math.sin((2 * Math.PI * 440 * i) / rate)));
    }
  }
  return out.toString("base64");
}

const COMFORT_TONE = comfortTone();
