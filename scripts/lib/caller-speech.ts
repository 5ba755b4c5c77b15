// The simulated caller's voice: text spoken by espeak-ng, as 8 kHz μ-law like a phone line
// carries it — resampled by sox when it is installed, else by a simple filter here.
import { spawnSync } from "node:child_process";
import { linearToMulaw } from "./mulaw-audio.ts";

export type CallerSpeech = { ok: true; audio: Buffer; via: string } | { ok: false; reason: string };

function installed(command: string): boolean {
  return spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;
}

/** 16-bit PCM samples and their rate from a WAV file (a streamed WAV's open-ended sizes too). */
export function readWav(wav: Buffer): { samples: Int16Array; rateHz: number; channels: number } {
  if (wav.toString("latin1", 0, 4) !== "RIFF" || wav.toString("latin1", 8, 12) !== "WAVE") throw new Error("not a WAV file");
  let at = 12;
  let rateHz = 0;
  let channels = 1;
  while (at + 8 <= wav.length) {
    const id = wav.toString("latin1", at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === "fmt ") {
      channels = wav.readUInt16LE(at + 10);
      rateHz = wav.readUInt32LE(at + 12);
      if (wav.readUInt16LE(at + 22) !== 16) throw new Error("only 16-bit WAV is supported");
    } else if (id === "data") {
      const end = Math.min(wav.length, at + 8 + size);
      const bytes = wav.subarray(at + 8, end - ((end - at - 8) % 2));
      return { samples: new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)), rateHz, channels };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error("WAV without data");
}

/** Averages the input over each output sample's span (a box low-pass), first channel only, then μ-law. */
export function toMulaw8k(pcm: { samples: Int16Array; rateHz: number; channels: number }): Buffer {
  const frames = Math.floor(pcm.samples.length / pcm.channels);
  const ratio = pcm.rateHz / 8000;
  const out = Buffer.alloc(Math.floor(frames / ratio));
  for (let i = 0; i < out.length; i++) {
    const from = Math.floor(i * ratio);
    const to = Math.max(from + 1, Math.floor((i + 1) * ratio));
    let sum = 0;
    for (let j = from; j < to && j < frames; j++) sum += pcm.samples[j * pcm.channels]!;
    out[i] = linearToMulaw(sum / (to - from));
  }
  return out;
}

export function synthesizeCallerSpeech(text: string): CallerSpeech {
  if (!installed("espeak-ng")) return { ok: false, reason: "espeak-ng is not installed (apt-get install espeak-ng)" };
  const spoken = spawnSync("espeak-ng", ["--stdout", "-s", "150", text], { maxBuffer: 64 * 1024 * 1024 });
  if (spoken.status !== 0 || !spoken.stdout?.length) return { ok: false, reason: `espeak-ng failed: ${spoken.stderr?.toString().trim()}` };
  if (installed("sox")) {
    const sox = spawnSync("sox", ["-t", "wav", "-", "-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw", "-"], { input: spoken.stdout, maxBuffer: 64 * 1024 * 1024 });
    if (sox.status === 0 && sox.stdout.length) return { ok: true, audio: sox.stdout, via: "espeak-ng + sox" };
  }
  return { ok: true, audio: toMulaw8k(readWav(spoken.stdout)), via: "espeak-ng" };
}
