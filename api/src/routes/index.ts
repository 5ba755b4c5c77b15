// Every operation's handler, in one list for mounting (and for the spec-agreement check).
import type { OperationDef } from "../http/operation.ts";
import { healthOperations } from "./health.ts";
import { authOperations } from "./auth.ts";
import { businessOperations } from "./businesses.ts";
import { memberOperations } from "./members.ts";
import { phoneNumberOperations } from "./phone-numbers.ts";
import { knowledgeOperations } from "./knowledge.ts";
import { knowledgeGapOperations } from "./knowledge-gaps.ts";
import { agentConfigOperations } from "./agent-config.ts";
import { callOperations } from "./calls.ts";
import { analyticsOperations } from "./analytics.ts";
import { apiKeyOperations } from "./api-keys.ts";
import { widgetKeyOperations } from "./widget-keys.ts";
import { widgetOperations } from "./widget.ts";
import { webhookOperations } from "./webhooks.ts";
import { usageOperations } from "./usage.ts";
import { billingOperations } from "./billing.ts";
import { eventOperations } from "./events.ts";
import { capabilityOperations } from "./capabilities.ts";
import { testCallOperations } from "./test-calls.ts";
import { businessExportOperations } from "./business-export.ts";

export const allOperations: OperationDef[] = [
  ...healthOperations,
  ...authOperations,
  ...businessOperations,
  ...memberOperations,
  ...phoneNumberOperations,
  ...knowledgeOperations,
  ...knowledgeGapOperations,
  ...agentConfigOperations,
  ...callOperations,
  ...analyticsOperations,
  ...apiKeyOperations,
  ...widgetKeyOperations,
  ...widgetOperations,
  ...webhookOperations,
  ...usageOperations,
  ...billingOperations,
  ...eventOperations,
  ...capabilityOperations,
  ...testCallOperations,
  ...businessExportOperations,
];
