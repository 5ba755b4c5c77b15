// The URLs Twilio must call for a number the relay answers: its voice webhook (which answers
// with the TwiML that opens the media stream) and its call-status callback. Both derive from
// PUBLIC_BASE_URL, the relay's public origin (realtime/src/server.ts serves these paths).
import type { AppConfig } from "../config/env.ts";

export const VOICE_WEBHOOK_PATH = "/twilio/voice";
export const STATUS_CALLBACK_PATH = "/twilio/status";

export interface TwilioWebhookUrls {
  voiceUrl: string;
  statusCallbackUrl: string;
}

export function twilioWebhookUrls(config: Pick<AppConfig, "publicBaseUrl">): TwilioWebhookUrls {
  return { voiceUrl: `${config.publicBaseUrl}${VOICE_WEBHOOK_PATH}`, statusCallbackUrl: `${config.publicBaseUrl}${STATUS_CALLBACK_PATH}` };
}
