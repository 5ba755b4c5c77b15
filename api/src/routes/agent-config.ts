// The agent's configuration: read with defaults filled in, patched field by field. Patches are
// validated by the same schema the relay reads with (core/agent/agent-config).
import { AgentConfigPatchSchema, readAgentConfig, writeAgentConfig } from "@frontdesk/core/agent/agent-config";
import { tenantOperation } from "../http/operation.ts";
import { invalid } from "../http/api-error.ts";

export const agentConfigOperations = [
  tenantOperation("getAgentConfig", async ({ tenant }) => ({ status: 200, body: await readAgentConfig(tenant.db) })),

  tenantOperation("updateAgentConfig", async ({ tenant, body }) => {
    const parsed = AgentConfigPatchSchema.safeParse(body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ path: ["body", ...i.path].join("."), message: i.message }));
      throw invalid(errors.map((e) => `${e.path} ${e.message}`).join("; "), errors);
    }
    const updatedBy = tenant.actor.type === "user" ? tenant.actor.id : null;
    return { status: 200, body: await writeAgentConfig(tenant.db, tenant.business.id, parsed.data, updatedBy) };
  }),
];
