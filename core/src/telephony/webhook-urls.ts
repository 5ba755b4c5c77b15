// The URLs Twilio must call for a number the relay answers: its voice webhook (which answers
// with the TwiML that opens the media stream), its call-status callback, and for calls we
// place or record the answering-machine verdict and recording-status callbacks. Both derive from
// PUBLIC_BASE_URL, the relay's public origin (realtime/src/server.ts serves these paths).
import type { AppConfig } from "../config/env.ts";

export const VOICE_WEBHOOK_PATH = "/twilio/voice";
export const STATUS_CALLBACK_PATH = "/twilio/status";
/** Asynchronous answering-machine detection's verdict on an outbound call (AsyncAmdStatusCallback). */
export const AMD_CALLBACK_PATH = "/twilio/amd";
/** A call recording's progress (RecordingStatusCallback). */
export const RECORDING_STATUS_PATH = "/twilio/recording-status";

export interface TwilioWebhookUrls {
  voiceUrl: string;
  statusCallbackUrl: string;
  amdCallbackUrl: string;
  recordingStatusUrl: string;
}

export function twilioWebhookUrls(config: Pick<AppConfig, "publicBaseUrl">): TwilioWebhookUrls {
  const base = config.publicBaseUrl;
  return {
    voiceUrl: `${base}${VOICE_WEBHOOK_PATH}`,
    statusCallbackUrl: `${base}${STATUS_CALLBACK_PATH}`,
    amdCallbackUrl: `${base}${AMD_CALLBACK_PATH}`,
    recordingStatusUrl: `${base}${RECORDING_STATUS_PATH}`,
  };
}
