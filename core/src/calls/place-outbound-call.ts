// Places an outbound call for a business (POST /v1/calls): picks the destination (given, or
// the caller of a call or message being returned) and a number of the business to call from,
// applies the business's rules (destination countries, do-not-call list, opening hours, the
// plan's concurrent calls), keeps the call with its brief and asks Twilio to dial. The voice
// webhook then finds the call by its id (in the webhook URL) and the agent takes it from there.
import { randomUUID } from "node:crypto";
import type { Business, CallLog } from "@prisma/client";
import { AppError } from "../errors.ts";
import type { TenantDb } from "../db/tenant.ts";
import { readAgentConfig } from "../agent/agent-config.ts";
import { isOpen } from "../business/hours.ts";
import { WeeklyHoursSchema } from "../business/hours.ts";
import { planLimits } from "../billing/plans.ts";
import { TwilioCallError } from "../telephony/twilio-calls.ts";
import type { TwilioDialer } from "../telephony/twilio-dial.ts";
import type { TwilioWebhookUrls } from "../telephony/webhook-urls.ts";

export interface OutboundCallInput {
  to?: string;
  from?: string;
  callbackOf?: { callId?: string; messageId?: string };
  purpose?: string;
  instructions?: string;
  variables?: Record<string, string>;
  /** Left on an answering machine instead of the agent's voicemailMessage. */
  voicemailMessage?: string;
}

export interface OutboundCallDeps {
  dialer: TwilioDialer;
  webhooks: TwilioWebhookUrls;
  now: Date;
}

const E164 = /^\+[1-9]\d{6,14}$/;
/** A call older than this no longer counts as in progress (longest allowed call, and then some). */
const LIVE_WINDOW_MS = 5 * 3600_000;

const invalid = (path: string, message: string, userMessage: string) =>
  new AppError("validation_failed", { reason: "validation_failed", userMessage, errors: [{ path, message }] });

/** Where the call goes, and the business number a call back should come from. */
async function destination(db: TenantDb, input: OutboundCallInput): Promise<{ to: string; preferredFrom: string | null }> {
  const { callbackOf } = input;
  if (input.to && callbackOf) throw invalid("body", "give either to or callbackOf", "Give either `to` or `callbackOf`, not both.");
  if (!callbackOf) {
    if (!input.to) throw invalid("body.to", "is required without callbackOf", "Give the number to call (`to`) or what to call back (`callbackOf`).");
    return { to: input.to, preferredFrom: null };
  }
  let call: CallLog | null;
  let to: string;
  if (callbackOf.messageId) {
    const message = await db.callMessage.findFirst({ where: { id: callbackOf.messageId }, include: { call: true } });
    if (!message) throw new AppError("not_found", { reason: "not_found", userMessage: "Message not found." });
    call = message.call;
    to = message.callbackNumber.replace(/[\s().-]/g, "");
  } else {
    call = await db.callLog.findFirst({ where: { id: callbackOf.callId } });
    if (!call) throw new AppError("not_found", { reason: "not_found", userMessage: "Call not found." });
    to = call.direction === "outbound" ? call.toNumber : call.fromNumber;
  }
  if (!E164.test(to)) {
    throw invalid("body.callbackOf", "has no number that can be called back", `There is no phone number to call back (${to ? `"${to}" is not an E.164 number` : "none was given"}).`);
  }
  const preferredFrom = call.direction === "inbound" ? call.toNumber : call.direction === "outbound" ? call.fromNumber : null;
  return { to, preferredFrom };
}

/** The business's number to call from: the one asked for, else the preferred one, else the first active. */
async function callerId(db: TenantDb, asked: string | undefined, preferred: string | null): Promise<string> {
  if (asked) {
    const number = await db.phoneNumber.findFirst({ where: { e164: asked, isActive: true } });
    if (!number) throw invalid("body.from", "is not an active number of the business", "`from` must be one of the business's active numbers.");
    return number.e164;
  }
  const numbers = await db.phoneNumber.findMany({ where: { isActive: true }, orderBy: { createdAt: "asc" }, select: { e164: true } });
  const chosen = numbers.find((n) => n.e164 === preferred) ?? numbers[0];
  if (!chosen) throw new AppError("conflict", { reason: "no_active_number", userMessage: "The business has no active phone number to call from; attach or switch one on first." });
  return chosen.e164;
}

function twilioProblem(err: TwilioCallError): AppError {
  if (err.kind === "not_configured") {
    // 409, not 503: this frontdesk is set up without Twilio; asking again will not help.
    return new AppError("conflict", { reason: "twilio_not_configured", message: err.message, userMessage: "Outbound calls need Twilio: this frontdesk has no TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN." });
  }
  if (err.kind === "rejected" || err.kind === "call_not_found") {
    return new AppError("conflict", { reason: "twilio_call_rejected", message: err.message, userMessage: `Twilio refused to place the call: ${err.details.code ? `error ${err.details.code}` : err.message}.` });
  }
  return new AppError("unavailable", { reason: "twilio_unavailable", message: err.message, userMessage: "Twilio could not be reached to place the call; nothing was dialled. Try again." });
}

export async function placeOutboundCall(db: TenantDb, business: Business, input: OutboundCallInput, deps: OutboundCallDeps): Promise<CallLog> {
  if (!deps.dialer.configured) throw twilioProblem(new TwilioCallError("not_configured", "Twilio is not configured"));
  const { to, preferredFrom } = await destination(db, input);
  const from = await callerId(db, input.from, preferredFrom);

  const agent = await readAgentConfig(db);
  if (!agent.outboundCallingCodes.some((code) => to.slice(1).startsWith(code))) {
    throw new AppError("forbidden", {
      reason: "destination_not_allowed",
      userMessage: agent.outboundCallingCodes.length
        ? `${to} is in a country the business does not call (allowed calling codes: ${agent.outboundCallingCodes.map((c) => `+${c}`).join(", ")}); change outboundCallingCodes in the agent configuration.`
        : "The business allows no destination countries yet; set outboundCallingCodes in the agent configuration.",
    });
  }
  if (agent.doNotCall.includes(to)) {
    throw new AppError("forbidden", { reason: "do_not_call", userMessage: `${to} is on the business's do-not-call list.` });
  }
  const hours = WeeklyHoursSchema.safeParse(business.hours);
  if (hours.success && !isOpen(hours.data, business.timezone, deps.now)) {
    throw new AppError("conflict", { reason: "outside_business_hours", userMessage: "The business is closed now; outbound calls are placed during its opening hours only." });
  }
  const { concurrentCalls } = planLimits(business.plan);
  const live = await db.callLog.count({
    where: { endedAt: null, status: { in: ["queued", "ringing", "in_progress"] }, startedAt: { gte: new Date(deps.now.getTime() - LIVE_WINDOW_MS) } },
  });
  if (live >= concurrentCalls) {
    throw new AppError("plan_limit", { reason: "concurrent_call_limit", userMessage: `The ${business.plan} plan allows ${concurrentCalls} calls at once and that many are in progress; try again when one ends.` });
  }

  // Kept before dialling so the voice webhook can find it by id whatever the order of events;
  // the placeholder SID is replaced by Twilio's as soon as Twilio answers.
  const row = await db.callLog.create({
    data: {
      businessId: business.id, callSid: `pending-${randomUUID()}`, direction: "outbound", fromNumber: from, toNumber: to, status: "queued",
      startedAt: deps.now, purpose: input.purpose ?? null, instructions: input.instructions ?? null, variables: input.variables ?? {},
      voicemailMessage: input.voicemailMessage ?? null,
    },
  });
  try {
    const url = `${deps.webhooks.voiceUrl}?callId=${encodeURIComponent(row.id)}`;
    const { callSid } = await deps.dialer.dial({
      from, to, url, statusCallback: deps.webhooks.statusCallbackUrl,
      // Who answered (a person or an answering machine) is told to the relay while the agent talks.
      answeringMachineCallback: deps.webhooks.amdCallbackUrl,
    });
    return await db.callLog.update({ where: { id: row.id }, data: { callSid } });
  } catch (err) {
    await db.callLog.delete({ where: { id: row.id } });
    throw err instanceof TwilioCallError ? twilioProblem(err) : err;
  }
}
