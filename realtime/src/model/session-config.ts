// What the model is told about the call: the session.update built from the business's
// profile and agent settings (instructions, voice, language, turn detection, transcription,
// tools — μ-law both ways so Twilio's audio passes through untouched), and the greeting.
import type { AgentConfig } from "@frontdesk/core/agent/agent-config";
import { personalise } from "@frontdesk/core/agent/agent-config";
import { buildInstructions, type BusinessProfile } from "@frontdesk/core/agent/instructions";
import type { AgentTool } from "../tools/tool.ts";

export type { BusinessProfile };

const VAD_THRESHOLD = { low: 0.7, medium: 0.5, high: 0.35 } as const;
const VAD_SILENCE_MS = { low: 700, medium: 500, high: 350 } as const;
const SEMANTIC_EAGERNESS = { low: "low", medium: "auto", high: "high" } as const;

export function buildSessionUpdate(opts: {
  business: BusinessProfile;
  agent: AgentConfig;
  tools: readonly AgentTool[];
  /** Used when the business chose none. */
  defaultTranscriptionModel: string;
}): Record<string, unknown> {
  const { agent } = opts;
  const turnDetection =
    agent.vadType === "semantic_vad"
      ? { type: "semantic_vad", eagerness: SEMANTIC_EAGERNESS[agent.vadSensitivity], create_response: true, interrupt_response: true }
      : {
          type: "server_vad",
          threshold: VAD_THRESHOLD[agent.vadSensitivity],
          prefix_padding_ms: 300,
          silence_duration_ms: VAD_SILENCE_MS[agent.vadSensitivity],
          create_response: true,
          interrupt_response: true,
        };
  return {
    type: "session.update",
    session: {
      type: "realtime",
      instructions: buildInstructions(opts.business, agent, opts.tools),
      output_modalities: ["audio"],
      audio: {
        input: {
          format: { type: "audio/pcmu" },
          transcription: { model: agent.transcriptionModel ?? opts.defaultTranscriptionModel, language: agent.language.split("-")[0] },
          turn_detection: turnDetection,
          noise_reduction: { type: "near_field" },
        },
        output: { format: { type: "audio/pcmu" }, voice: agent.voice, speed: agent.speed },
      },
      tools: opts.tools.map((t) => ({ type: "function", name: t.name, description: t.description, parameters: t.parameters })),
      tool_choice: "auto",
    },
  };
}

/** The business's greeting, said first and word for word. */
export function greetingRequest(agent: AgentConfig, businessName: string): Record<string, unknown> {
  const greeting = personalise(agent.greeting, businessName);
  return {
    type: "response.create",
    response: { instructions: `Greet the caller. Say exactly this and nothing else: ${greeting}` },
  };
}
