// Opens a call's model socket and configures it for the business straight away, so the
// session is ready by the time the caller's stream arrives. The same two steps bring up a
// replacement socket when the first one drops mid-call.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { CallContext } from "../admission/call-context.ts";
import type { AgentTool } from "../tools/tool.ts";
import { toolsFor } from "../tools/index.ts";
import { connectModel, type ModelSocket } from "./socket.ts";
import { buildSessionUpdate } from "./session-config.ts";

export interface PrepareModelDeps {
  config: Pick<AppConfig, "openai">;
  logger: Logger;
  tools: readonly AgentTool[];
}

/** The session.update for this call's business and agent settings. */
export function sessionUpdateFor(deps: PrepareModelDeps, context: CallContext): Record<string, unknown> {
  return buildSessionUpdate({
    business: context.business,
    agent: context.agent,
    tools: toolsFor(context.agent.enabledTools, deps.tools),
    defaultTranscriptionModel: deps.config.openai.transcriptionModel,
  });
}

/** A new, unconfigured socket to the model. */
export function openModelSocket(deps: Omit<PrepareModelDeps, "tools">, opts: { connectTimeoutMs?: number } = {}): ModelSocket {
  const { openai } = deps.config;
  if (!openai.apiKey) throw new Error("OPENAI_API_KEY is not set");
  return connectModel({ url: openai.realtimeUrl, model: openai.realtimeModel, apiKey: openai.apiKey, logger: deps.logger, ...opts });
}

export function prepareModel(deps: PrepareModelDeps, context: CallContext): ModelSocket {
  const model = openModelSocket(deps);
  model.send(JSON.stringify(sessionUpdateFor(deps, context)));
  return model;
}
