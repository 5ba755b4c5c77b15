// AgentConfig: how a business's voice agent behaves. Stored one key per Configuration row
// (typed JSON), read with defaults filled in. The API validates patches with the same schema.
import { z } from "zod";
import type { TenantDb } from "../db/tenant.ts";

export const VOICES = ["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"] as const;
export const AGENT_TOOLS = ["search_knowledge_base", "transfer_to_human", "take_message", "end_call"] as const;

const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 phone number such as +14155550123");

export const AgentConfigSchema = z.object({
  /** The business's own instructions, appended to the built-in ones. */
  prompt: z.string().max(20_000).default(""),
  /** First words of every call; `{business}` becomes the business name. */
  greeting: z.string().min(1).max(500).default("Thanks for calling {business}. How can I help you today?"),
  voice: z.enum(VOICES).default("marin"),
  /** BCP-47 language the agent speaks and transcribes, e.g. "en", "es", "fr-CA". */
  language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, "must be a language tag such as en or fr-CA").default("en"),
  speed: z.number().min(0.25).max(1.5).default(1),
  vadType: z.enum(["server_vad", "semantic_vad"]).default("server_vad"),
  /** How readily the caller's voice interrupts the agent. */
  vadSensitivity: z.enum(["low", "medium", "high"]).default("medium"),
  transcriptionModel: z.string().min(1).max(100).nullable().default(null),
  /** Where transfer_to_human and the DTMF digit send the caller. */
  transferNumber: e164.nullable().default(null),
  /** Dialled instead of the agent when the agent cannot answer (closed, AI unavailable). */
  fallbackNumber: e164.nullable().default(null),
  dtmfTransferDigit: z.enum(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]).nullable().default("0"),
  maxCallDurationSec: z.number().int().min(60).max(4 * 3600).default(15 * 60),
  /** Outside business hours: answer as usual, or say the closed message and hang up (or dial the fallback). */
  afterHours: z.enum(["answer", "closed"]).default("answer"),
  closedMessage: z.string().min(1).max(500).default("Thanks for calling {business}. We are closed right now. Please call again during our opening hours."),
  enabledTools: z.array(z.enum(AGENT_TOOLS)).default([...AGENT_TOOLS]),
  /** Country calling codes outbound calls may dial ("1", "44"); none until the business chooses (toll fraud). */
  outboundCallingCodes: z.array(z.string().regex(/^[1-9]\d{0,2}$/, "must be a country calling code such as 1 or 44")).max(50).default([]),
  /** Numbers outbound calls never dial. */
  doNotCall: z.array(e164).max(5000).default([]),
  /**
   * Left on an answering machine an outbound call reaches, once its greeting ends; `{business}`
   * becomes the business name and `{name}`-style placeholders the call's variables.
   */
  voicemailMessage: z.string().min(1).max(1000).default("Hello, this is {business} calling. Sorry we missed you. Please call us back when it suits you. Thank you, goodbye."),
  /** Record calls through Twilio (off until the business chooses: consent rules differ by place). */
  recordCalls: z.boolean().default(false),
  /** Played to the other party before anything is recorded. */
  recordingConsentMessage: z.string().min(1).max(500).default("This call is recorded for quality and training purposes."),
  /** Recordings are deleted at Twilio this many days after the call. */
  recordingRetentionDays: z.number().int().min(1).max(3650).default(30),
});

export type AgentConfig = z.infer<typeof AgentConfigSchema>;
export type AgentConfigKey = keyof AgentConfig;
export const AgentConfigPatchSchema = AgentConfigSchema.partial().strict();
export type AgentConfigPatch = z.infer<typeof AgentConfigPatchSchema>;

export const DEFAULT_AGENT_CONFIG: AgentConfig = AgentConfigSchema.parse({});

/** Agent configuration is always read and written through the tenant scope. */
type ConfigurationStore = Pick<TenantDb, "configuration">;

/** Reads a business's agent configuration; unknown or invalid stored keys fall back to defaults. */
export async function readAgentConfig(store: ConfigurationStore): Promise<AgentConfig> {
  const rows = await store.configuration.findMany({ select: { key: true, value: true } });
  const merged: Record<string, unknown> = { ...DEFAULT_AGENT_CONFIG };
  for (const row of rows) {
    if (!(row.key in AgentConfigSchema.shape)) continue;
    const field = AgentConfigSchema.shape[row.key as AgentConfigKey];
    const parsed = field.safeParse(row.value);
    if (parsed.success) merged[row.key] = parsed.data;
  }
  return merged as AgentConfig;
}

/** Writes validated keys; returns the whole configuration after the write. */
export async function writeAgentConfig(
  store: ConfigurationStore,
  businessId: string,
  patch: AgentConfigPatch,
  updatedById: string | null = null,
): Promise<AgentConfig> {
  const valid = AgentConfigPatchSchema.parse(patch);
  for (const [key, value] of Object.entries(valid)) {
    if (value === undefined) continue;
    const type = value === null ? "null" : Array.isArray(value) ? "json" : typeof value;
    await store.configuration.upsert({
      where: { businessId_key: { businessId, key } },
      create: { businessId, key, value: value as never, type, updatedById },
      update: { value: value as never, type, updatedById },
    });
  }
  return readAgentConfig(store);
}

/** Fills `{business}` in a greeting or message. */
export function personalise(text: string, businessName: string): string {
  return text.replaceAll("{business}", businessName);
}
