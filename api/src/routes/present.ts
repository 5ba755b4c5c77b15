// Database rows as the API shows them (openapi.yaml's schemas): ISO times, no secrets, no
// internal columns.
import type {
  ApiKey, Business, CallMessage, Invite, Membership, PhoneNumber, RAGContent, Role,
  TranscriptSegment, User, WebhookDelivery, WebhookEndpoint, WidgetKey,
} from "@prisma/client";
import type { components } from "../generated/openapi.ts";
import type { WeeklyHours } from "@frontdesk/core/business/hours";
import { CallText, fromDbStatus, type CallRow } from "../read/list-calls-page.ts";
import { floatFromText, intFromText, isoFromText, textArrayFromText } from "../read/pg-text.ts";

type S = components["schemas"];

export const iso = (d: Date) => d.toISOString();
export const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function presentBusiness(b: Business, role: Role | null = null): S["Business"] {
  return {
    id: b.id,
    name: b.name,
    slug: b.slug,
    description: b.description,
    website: b.website,
    industry: b.industry,
    address: b.address,
    contactEmail: b.contactEmail,
    timezone: b.timezone,
    hours: b.hours as WeeklyHours as S["WeeklyHours"],
    isActive: b.isActive,
    plan: b.plan,
    role,
    createdAt: iso(b.createdAt),
    updatedAt: iso(b.updatedAt),
  };
}

export function presentUser(u: Pick<User, "id" | "email" | "name" | "createdAt">): S["User"] {
  return { id: u.id, email: u.email, name: u.name, createdAt: iso(u.createdAt) };
}

export function presentMember(m: Membership & { user: Pick<User, "email" | "name"> }): S["Member"] {
  return { id: m.id, userId: m.userId, email: m.user.email, name: m.user.name, role: m.role, createdAt: iso(m.createdAt) };
}

export function inviteStatus(i: Invite, now = new Date()): S["Invite"]["status"] {
  if (i.acceptedAt) return "accepted";
  if (i.revokedAt) return "revoked";
  return i.expiresAt <= now ? "expired" : "pending";
}

export function presentInvite(i: Invite): S["Invite"] {
  return {
    id: i.id,
    email: i.email,
    role: i.role,
    status: inviteStatus(i),
    expiresAt: iso(i.expiresAt),
    acceptedAt: isoOrNull(i.acceptedAt),
    revokedAt: isoOrNull(i.revokedAt),
    createdAt: iso(i.createdAt),
  };
}

export function presentPhoneNumber(p: PhoneNumber): S["PhoneNumber"] {
  return { id: p.id, e164: p.e164, label: p.label, twilioSid: p.twilioSid, isActive: p.isActive, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt) };
}

export function presentKnowledge(k: RAGContent): S["KnowledgeItem"] {
  return {
    id: k.id,
    title: k.title,
    content: k.content,
    category: k.category,
    isPublic: k.isPublic,
    status: k.status,
    statusReason: k.statusReason,
    version: k.version,
    source: k.source,
    indexedAt: isoOrNull(k.indexedAt),
    createdAt: iso(k.createdAt),
    updatedAt: iso(k.updatedAt),
  };
}

export function presentCall(c: CallRow): S["Call"] {
  return {
    id: c.id,
    callSid: c.callSid,
    direction: c.direction,
    from: c.fromNumber,
    to: c.toNumber,
    status: c.status,
    startedAt: iso(c.startedAt),
    answeredAt: isoOrNull(c.answeredAt),
    endedAt: isoOrNull(c.endedAt),
    durationSec: c.durationSec,
    endReason: c.endReason,
    transferredTo: c.transferredTo,
    summary: c.summary,
    sentiment: c.sentiment,
    sentimentScore: c.sentimentScore,
    outcome: c.outcome,
    topics: c.topics,
    analysisStatus: c.analysisStatus,
    inputTokens: c.inputTokens,
    inputAudioTokens: c.inputAudioTokens,
    outputTokens: c.outputTokens,
    outputAudioTokens: c.outputAudioTokens,
    costUsdMicros: c.costUsdMicros,
    answeredBy: c.answeredBy,
    recording: presentRecording(c),
  };
}

/** The recording's state only: its SID and Twilio URL stay ours (the API streams the audio). */
function presentRecording(c: CallRow): S["Call"]["recording"] {
  if (!c.recordingSid || !c.recordingStatus) return null;
  return { status: c.recordingStatus as S["CallRecording"]["status"], durationSec: c.recordingDurationSec };
}

/**
 * presentCall of a row of the calls page as PostgreSQL sent it (CallText), read by
 * read/pg-text.ts: the same object, without the Dates, typed row and copy in between (the
 * calls list, the API's hottest reply).
 */
export function presentCallText(r: CallText): S["Call"] {
  const C = CallText;
  return {
    id: r[C.id]!,
    callSid: r[C.callSid]!,
    direction: r[C.direction] as S["Call"]["direction"],
    from: r[C.fromNumber]!,
    to: r[C.toNumber]!,
    status: fromDbStatus(r[C.status]!),
    startedAt: isoFromText(r[C.startedAt])!,
    answeredAt: isoFromText(r[C.answeredAt]),
    endedAt: isoFromText(r[C.endedAt]),
    durationSec: intFromText(r[C.durationSec]),
    endReason: r[C.endReason] ?? null,
    transferredTo: r[C.transferredTo] ?? null,
    summary: r[C.summary] ?? null,
    sentiment: (r[C.sentiment] ?? null) as S["Call"]["sentiment"],
    sentimentScore: floatFromText(r[C.sentimentScore]),
    outcome: (r[C.outcome] ?? null) as S["Call"]["outcome"],
    topics: textArrayFromText(r[C.topics]) as string[],
    analysisStatus: r[C.analysisStatus] as S["Call"]["analysisStatus"],
    inputTokens: intFromText(r[C.inputTokens])!,
    inputAudioTokens: intFromText(r[C.inputAudioTokens])!,
    outputTokens: intFromText(r[C.outputTokens])!,
    outputAudioTokens: intFromText(r[C.outputAudioTokens])!,
    costUsdMicros: intFromText(r[C.costUsdMicros])!,
    answeredBy: r[C.answeredBy] ?? null,
    recording:
      r[C.recordingSid] && r[C.recordingStatus]
        ? { status: r[C.recordingStatus] as S["CallRecording"]["status"], durationSec: intFromText(r[C.recordingDurationSec]) }
        : null,
  };
}

export function presentSegment(s: TranscriptSegment): S["TranscriptSegment"] {
  return {
    id: s.id,
    sequence: s.sequence,
    role: s.role,
    text: s.text,
    startMs: s.startMs,
    endMs: s.endMs,
    interrupted: s.interrupted,
    toolName: s.toolName,
    tool: (s.tool ?? null) as S["TranscriptSegment"]["tool"],
    latencyMs: s.latencyMs,
  };
}

export function presentMessage(m: CallMessage): S["CallMessage"] {
  return {
    id: m.id,
    callId: m.callId,
    callerName: m.callerName,
    callbackNumber: m.callbackNumber,
    message: m.message,
    status: m.status,
    handledAt: isoOrNull(m.handledAt),
    createdAt: iso(m.createdAt),
  };
}

export function apiKeyStatus(k: Pick<ApiKey, "revokedAt" | "expiresAt">, now = new Date()): S["ApiKey"]["status"] {
  if (k.revokedAt) return "revoked";
  return k.expiresAt && k.expiresAt <= now ? "expired" : "active";
}

export function presentApiKey(k: ApiKey): S["ApiKey"] {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    last4: k.last4,
    scopes: k.scopes as S["ApiKeyScope"][],
    status: apiKeyStatus(k),
    expiresAt: isoOrNull(k.expiresAt),
    revokedAt: isoOrNull(k.revokedAt),
    lastUsedAt: isoOrNull(k.lastUsedAt),
    rotatedFromId: k.rotatedFromId,
    createdAt: iso(k.createdAt),
  };
}

export function presentWidgetKey(w: WidgetKey): S["WidgetKey"] {
  return {
    id: w.id,
    name: w.name,
    key: w.key,
    widgets: w.widgets as S["Widget"][],
    allowedOrigins: w.allowedOrigins,
    revokedAt: isoOrNull(w.revokedAt),
    createdAt: iso(w.createdAt),
    updatedAt: iso(w.updatedAt),
  };
}

export function presentWebhookEndpoint(e: WebhookEndpoint): S["WebhookEndpoint"] {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events as S["WebhookEventType"][],
    isActive: e.isActive,
    disabledAt: isoOrNull(e.disabledAt),
    disabledReason: e.disabledReason,
    failingSince: isoOrNull(e.failingSince),
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
  };
}

export function presentDelivery(d: WebhookDelivery): S["WebhookDelivery"] {
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    responseStatus: d.responseStatus,
    responseBody: d.responseBody,
    durationMs: d.durationMs,
    lastError: d.lastError,
    nextAttemptAt: isoOrNull(d.nextAttemptAt),
    deliveredAt: isoOrNull(d.deliveredAt),
    createdAt: iso(d.createdAt),
  };
}
