// The dashboard's test call: a single-use, minute-long ticket the browser hands the relay
// (core/calls/test-call-ticket), with the relay's socket URL ready to open.
import { mintTestCallTicket } from "@frontdesk/core/calls/test-call-ticket";
import { tenantOperation } from "../http/operation.ts";
import { ApiError } from "../http/api-error.ts";

export const testCallOperations = [
  tenantOperation("createTestCall", async ({ tenant, principal, services }) => {
    if (principal.kind !== "session") throw new Error("createTestCall without a session");
    if (!services.config.openai.apiKey) {
      throw new ApiError("conflict", "voice_ai_not_configured", { userMessage: "Test calls need the voice AI: this frontdesk's operator must set OPENAI_API_KEY." });
    }
    const { ticket, expiresAt } = await mintTestCallTicket(services.cache, { businessId: tenant.business.id, userId: principal.user.id }, { now: services.now().getTime() });
    const relay = new URL("/browser/stream", services.config.publicBaseUrl);
    relay.protocol = relay.protocol === "https:" ? "wss:" : "ws:";
    relay.searchParams.set("ticket", ticket);
    return { status: 201, body: { ticket, expiresAt: expiresAt.toISOString(), url: relay.toString() } };
  }),
];
