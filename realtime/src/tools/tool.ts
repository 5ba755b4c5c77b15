// The agent's tools: one per file, each a name, a description, a JSON schema for its
// arguments and a handler. The session offers the business's enabled tools to the model
// and runs whichever one the model calls; the relay itself knows none of them.
import { z } from "zod";
import type { AgentConfig } from "@frontdesk/core/agent/agent-config";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { TenantDb } from "@frontdesk/core/db/tenant";
import type { KnowledgeSearch } from "@frontdesk/core/knowledge/knowledge-search";
import type { Logger } from "@frontdesk/core/observability/logger";
import type { KnowledgeTrace } from "@frontdesk/core/knowledge/search-trace";

export interface ToolContext {
  businessId: string;
  callId: string;
  callSid: string;
  /** The caller's number as the line gives it: E.164 on a phone call, "browser" on a test call. */
  callerNumber: string;
  /** The business's data, tenant-scoped. */
  db: TenantDb;
  /** Where call events are published live (their webhook jobs go through `db`). */
  cache: Pick<Cache, "publish">;
  knowledge: KnowledgeSearch;
  agent: AgentConfig;
  logger: Logger;
  /** Ends the call once the agent's current words have been heard. */
  hangUpAfterPlayback(reason?: string): void;
  /** The line can put the caller through to a phone number (else offer to take a message). */
  canTransfer: boolean;
  /** Transfers the caller once the agent's current words have been heard. */
  transferAfterPlayback(toE164: string): void;
  /** Aborted when the call ends or the tool times out. */
  signal: AbortSignal;
}

export interface AgentTool<Args = any> {
  name: string;
  description: string;
  /** JSON schema of the arguments, as offered to the model. */
  parameters: Record<string, unknown>;
  /** Validates the model's arguments (throws a readable error). */
  parse(args: unknown): Args;
  /** The result goes back to the model as JSON (a ToolOutcome's `output`). */
  handler(args: Args, ctx: ToolContext): Promise<unknown>;
  /** A line for the agent's instructions about when to use the tool. */
  instructions?: string;
}

const OUTCOME = Symbol("tool outcome");

/** A handler's result with what the transcript should keep of it besides the model's output. */
export interface ToolOutcome {
  [OUTCOME]: true;
  output: unknown;
  summary?: string;
  knowledge?: KnowledgeTrace;
}

export function toolOutcome(o: { output: unknown; summary?: string; knowledge?: KnowledgeTrace }): ToolOutcome {
  return { [OUTCOME]: true, ...o };
}

export function isToolOutcome(x: unknown): x is ToolOutcome {
  return typeof x === "object" && x !== null && OUTCOME in x;
}

/** Builds a tool from a zod schema: the JSON schema and the validation come from one place. */
export function defineTool<S extends z.ZodType>(def: {
  name: string;
  description: string;
  schema: S;
  instructions?: string;
  handler(args: z.infer<S>, ctx: ToolContext): Promise<unknown>;
}): AgentTool<z.infer<S>> {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(def.schema) as Record<string, unknown>;
  return {
    name: def.name,
    description: def.description,
    parameters,
    instructions: def.instructions,
    parse: (args) => {
      const r = def.schema.safeParse(args);
      if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join("; "));
      return r.data;
    },
    handler: def.handler,
  };
}
