// The onboarding checklist: what this frontdesk has configured (voice AI, Twilio) and what the
// business has done (a number, indexed knowledge), each with what to do when it is missing,
// and the webhook URLs a Twilio number must call.
import { twilioWebhookUrls } from "@frontdesk/core/telephony/webhook-urls";
import { tenantOperation } from "../http/operation.ts";

const ready = { ready: true, reason: null };
const notReady = (reason: string) => ({ ready: false, reason });

export const capabilityOperations = [
  tenantOperation("getCapabilities", async ({ tenant, services }) => {
    const { config } = services;
    const [active, groups] = await Promise.all([
      tenant.db.phoneNumber.count({ where: { isActive: true } }),
      tenant.db.rAGContent.groupBy({ by: ["status"], _count: { _all: true } }),
    ]);
    const count = (s: string) => groups.find((g) => g.status === s)?._count._all ?? 0;
    const knowledge = { total: groups.reduce((n, g) => n + g._count._all, 0), indexed: count("indexed"), pending: count("pending"), failed: count("failed") };
    const voiceAi = config.openai.apiKey ? ready : notReady("The voice AI is not configured on this frontdesk: its operator must set OPENAI_API_KEY.");
    const urls = twilioWebhookUrls(config);
    return {
      status: 200,
      body: {
        voiceAi,
        twilio: config.twilio.configured
          ? ready
          : notReady("Twilio credentials are not set on this frontdesk (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN): paste the webhook URLs below into your Twilio number's settings yourself."),
        phoneNumber: { ...(active > 0 ? ready : notReady("Attach the Twilio number callers will dial.")), active },
        knowledge: {
          ...(knowledge.indexed > 0
            ? ready
            : notReady(knowledge.total === 0 ? "Add what the agent should know: opening hours, services, prices, policies." : "Your knowledge is still being indexed; it will be ready shortly.")),
          ...knowledge,
        },
        browserTestCall: voiceAi.ready ? ready : notReady("Test calls need the voice AI (OPENAI_API_KEY) configured on this frontdesk."),
        billing: services.billing.stripe ? ready : notReady("Billing is off on this frontdesk (no STRIPE_SECRET_KEY): every business keeps its plan."),
        twilioWebhooks: { voiceUrl: urls.voiceUrl, voiceMethod: "POST" as const, statusCallbackUrl: urls.statusCallbackUrl, statusCallbackMethod: "POST" as const },
      },
    };
  }),
];
