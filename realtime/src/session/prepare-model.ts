// Opens a call's model socket and configures it for the business straight away, so the
// session is ready by the time the caller's stream arrives.
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { CallContext } from "../admission/call-context.ts";
import type { AgentTool } from "../tools/tool.ts";
import { toolsFor } from "../tools/index.ts";
import { connectModel, type ModelSocket } from "./model-socket.ts";
import { buildSessionUpdate } from "./session-config.ts";

export function prepareModel(
  deps: { config: Pick<AppConfig, "openai">; logger: Logger; tools: readonly AgentTool[] },
  context: CallContext,
): ModelSocket {
  const { openai } = deps.config;
  if (!openai.apiKey) throw new Error("OPENAI_API_KEY is not set");
  const model = connectModel({ url: openai.realtimeUrl, model: openai.realtimeModel, apiKey: openai.apiKey, logger: deps.logger });
  const sessionUpdate = buildSessionUpdate({
    business: context.business,
    agent: context.agent,
    tools: toolsFor(context.agent.enabledTools, deps.tools),
    defaultTranscriptionModel: openai.transcriptionModel,
  });
  model.send(JSON.stringify(sessionUpdate));
  return model;
}
