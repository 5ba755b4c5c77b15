// Every tool the agent can have; a business's `enabledTools` picks from these.
import type { AgentTool } from "./tool.ts";
import { searchKnowledgeBase } from "./search-knowledge-base.ts";
import { transferToHuman } from "./transfer-to-human.ts";
import { takeMessage } from "./take-message.ts";
import { endCall } from "./end-call.ts";

export const AGENT_TOOL_REGISTRY: readonly AgentTool[] = [searchKnowledgeBase, transferToHuman, takeMessage, endCall];

/** The registered tools a business has enabled, in registry order. */
export function toolsFor(enabled: readonly string[], registry: readonly AgentTool[] = AGENT_TOOL_REGISTRY): AgentTool[] {
  return registry.filter((t) => enabled.includes(t.name));
}
