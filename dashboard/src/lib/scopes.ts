// API key scopes as the contract lists them, grouped for the key form.
export const SCOPES = [
  ["business", "Business profile"],
  ["phone_numbers", "Phone numbers"],
  ["knowledge", "Knowledge"],
  ["config", "Agent configuration"],
  ["calls", "Calls and messages"],
  ["webhooks", "Webhooks"],
] as const;
/** Read-only resources. */
export const READ_ONLY = [["analytics", "Analytics"], ["usage", "Usage"]] as const;

export const WEBHOOK_EVENTS = ["call.started", "call.ended", "call.analysed", "message.taken", "knowledge.indexed", "webhook_endpoint.disabled"] as const;
