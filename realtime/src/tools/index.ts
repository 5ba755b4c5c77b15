// Every tool the agent can have; a business's `enabledTools` picks from these.
// The next tools (transfer_to_human, take_message, end_call) are added to this list.
import type { AgentTool } from "./tool.ts";
import { searchKnowledgeBase } from "./search-knowledge-base.ts";

export const AGENT_TOOL_REGISTRY: readonly AgentTool[] = [searchKnowledgeBase];

/** The registered tools a business has enabled, in registry order. */
export function toolsFor(enabled: readonly string[], registry: readonly AgentTool[] = AGENT_TOOL_REGISTRY): AgentTool[] {
  return registry.filter((t) => enabled.includes(t.name));
}
