// Token usage of an OpenAI Realtime response (`response.done`), and what it cost.
import type { TenantDb } from "../db/tenant.ts";

export interface RealtimeUsage {
  inputTokens: number;
  outputTokens: number;
  inputAudioTokens: number;
  outputAudioTokens: number;
  inputCachedTokens: number;
  costUsdMicros: number;
}

/** USD per million tokens for gpt-realtime (published price list, 2025-08); update with it. */
const PRICE_PER_MTOK = { textIn: 4, audioIn: 32, cachedIn: 0.4, textOut: 16, audioOut: 64 };

const n = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/** Reads `response.usage` from a response.done event; zeros for anything missing or malformed. */
export function parseRealtimeUsage(usage: unknown): RealtimeUsage {
  const u = (typeof usage === "object" && usage !== null ? usage : {}) as Record<string, any>;
  const inDetails = (u.input_token_details ?? {}) as Record<string, unknown>;
  const outDetails = (u.output_token_details ?? {}) as Record<string, unknown>;
  const inputTokens = n(u.input_tokens);
  const outputTokens = n(u.output_tokens);
  const inputAudioTokens = n(inDetails.audio_tokens);
  const outputAudioTokens = n(outDetails.audio_tokens);
  const inputCachedTokens = Math.min(n(inDetails.cached_tokens), inputTokens);
  const inputTextTokens = Math.max(0, inputTokens - inputAudioTokens);
  const outputTextTokens = Math.max(0, outputTokens - outputAudioTokens);
  // Cached tokens are billed at the cached rate instead of their own; take them off the
  // audio share first, where the saving is (an approximation when both kinds are cached).
  const cachedAudio = Math.min(inputCachedTokens, inputAudioTokens);
  const cachedText = Math.min(inputCachedTokens - cachedAudio, inputTextTokens);
  const micros =
    (inputTextTokens - cachedText) * PRICE_PER_MTOK.textIn +
    (inputAudioTokens - cachedAudio) * PRICE_PER_MTOK.audioIn +
    (cachedAudio + cachedText) * PRICE_PER_MTOK.cachedIn +
    outputTextTokens * PRICE_PER_MTOK.textOut +
    outputAudioTokens * PRICE_PER_MTOK.audioOut;
  return { inputTokens, outputTokens, inputAudioTokens, outputAudioTokens, inputCachedTokens, costUsdMicros: Math.round(micros) };
}

/** Adds one response's usage to the call (an increment, so a crash loses at most one response). */
export async function recordCallUsage(db: TenantDb, callId: string, usage: RealtimeUsage): Promise<void> {
  if (usage.inputTokens === 0 && usage.outputTokens === 0) return;
  await db.callLog.updateMany({
    where: { id: callId },
    data: {
      inputTokens: { increment: usage.inputTokens },
      outputTokens: { increment: usage.outputTokens },
      inputAudioTokens: { increment: usage.inputAudioTokens },
      outputAudioTokens: { increment: usage.outputAudioTokens },
      costUsdMicros: { increment: usage.costUsdMicros },
    },
  });
}
