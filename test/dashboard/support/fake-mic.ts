// What Chromium's fake microphone says (--use-file-for-fake-audio-capture, which loops the
// file): a WAV of silence while the agent greets, then a caller's speech-like turn the Realtime
// stand-in's voice detection picks up, then a long silence for the answer.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mulawToLinear, silence, speechLike, SAMPLE_RATE_HZ } from "../../stand-ins/audio.ts";

/** 16-bit PCM mono WAV at 8 kHz of `mulaw` audio. */
export function wavOf(mulaw: Buffer): Buffer {
  const data = Buffer.alloc(mulaw.length * 2);
  for (let i = 0; i < mulaw.length; i++) data.writeInt16LE(mulawToLinear(mulaw[i]!), i * 2);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write("WAVE", 8);
  header.write("fmt ", 12);
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE_HZ, 24);
  header.writeUInt32LE(SAMPLE_RATE_HZ * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write("data", 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Writes the caller's side of a test call to a temporary WAV file and answers its path. */
export function fakeCallerWav(opts: { quietMs?: number; speechMs?: number; afterMs?: number } = {}): string {
  const audio = Buffer.concat([silence(opts.quietMs ?? 6000), speechLike(opts.speechMs ?? 1200), silence(opts.afterMs ?? 20_000)]);
  const file = join(mkdtempSync(join(tmpdir(), "frontdesk-mic-")), "caller.wav");
  writeFileSync(file, wavOf(audio));
  return file;
}
