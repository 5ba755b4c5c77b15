// The agent's configuration: read with defaults filled in, patched field by field, and the
// exact instructions the model receives (for the saved configuration, or a draft laid over
// it). Patches are validated by the same schema the relay reads with (core/agent/agent-config).
import { AgentConfigPatchSchema, personalise, readAgentConfig, writeAgentConfig, type AgentConfig } from "@frontdesk/core/agent/agent-config";
import { buildInstructions, businessProfile, instructedTools } from "@frontdesk/core/agent/instructions";
import { tenantOperation } from "../http/operation.ts";
import { invalid } from "../http/api-error.ts";
import type { Tenant } from "../http/context.ts";

function parsePatch(body: unknown) {
  const parsed = AgentConfigPatchSchema.safeParse(body);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ path: ["body", ...i.path].join("."), message: i.message }));
    throw invalid(errors.map((e) => `${e.path} ${e.message}`).join("; "), errors);
  }
  return parsed.data;
}

function instructionsFor(tenant: Tenant, agent: AgentConfig) {
  const tools = instructedTools(agent);
  return {
    instructions: buildInstructions(businessProfile(tenant.business), agent, tools),
    tools: tools.map((t) => t.name as AgentConfig["enabledTools"][number]),
    greeting: personalise(agent.greeting, tenant.business.name),
  };
}

export const agentConfigOperations = [
  tenantOperation("getAgentConfig", async ({ tenant }) => ({ status: 200, body: await readAgentConfig(tenant.db) })),

  tenantOperation("updateAgentConfig", async ({ tenant, body }) => {
    const patch = parsePatch(body);
    const updatedBy = tenant.actor.type === "user" ? tenant.actor.id : null;
    return { status: 200, body: await writeAgentConfig(tenant.db, tenant.business.id, patch, updatedBy) };
  }),

  tenantOperation("getAgentInstructions", async ({ tenant }) => ({ status: 200, body: instructionsFor(tenant, await readAgentConfig(tenant.db)) })),

  tenantOperation("previewAgentInstructions", async ({ tenant, body }) => {
    const draft = parsePatch(body);
    return { status: 200, body: instructionsFor(tenant, { ...(await readAgentConfig(tenant.db)), ...draft }) };
  }),
];
