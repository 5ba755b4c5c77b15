// Calls (newest first, filtered by date, status, sentiment and text), placing an outbound call,
// one call, its transcript and the messages the agent took.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { JsonBytes, streamOperation, tenantOperation, type ResponseBody } from "../http/operation.ts";
import { TwilioCallError } from "@frontdesk/core/telephony/twilio-calls";
import { ApiError, invalid } from "../http/api-error.ts";
import { DEFAULT_PAGE_SIZE, pageArgs, toPage } from "../http/pagination.ts";
import type { Tenant } from "../http/context.ts";
import { placeOutboundCall } from "@frontdesk/core/calls/place-outbound-call";
import { twilioWebhookUrls } from "@frontdesk/core/telephony/webhook-urls";
import { presentCall, presentCallText, presentMessage, presentSegment } from "./present.ts";

const callNotFound = () => new ApiError("not_found", "not_found", { userMessage: "Call not found." });

async function findCall(tenant: Tenant, id: string) {
  const call = await tenant.db.callLog.findFirst({ where: { id } });
  if (!call) throw callNotFound();
  return call;
}

const LIVE_CALLS_SHOWN = 100;

/** Twilio could not do what the recording needed: nothing changed on our side. */
function recordingProblem(err: unknown): unknown {
  if (!(err instanceof TwilioCallError)) return err;
  if (err.kind === "not_configured") {
    return new ApiError("conflict", "twilio_not_configured", { message: err.message, userMessage: "The recording is kept at Twilio and this frontdesk has no Twilio credentials (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN)." });
  }
  return new ApiError("unavailable", "twilio_unavailable", { message: err.message, userMessage: "Twilio could not be reached for the recording; try again." });
}

export const callOperations = [
  tenantOperation("listCalls", async ({ tenant, query }) => {
    if (query.from && query.to && new Date(query.from) >= new Date(query.to)) {
      throw invalid("`from` must be before `to`.", [{ path: "query.from", message: "must be before to" }]);
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    // Presented from the text PostgreSQL sent, without typed rows in between, and serialized
    // once: the page cache (read/calls-page-cache.ts) keeps the bytes for the next same read.
    const page = { from: query.from, to: query.to, status: query.status, sentiment: query.sentiment, outcome: query.outcome, direction: query.direction, q: query.q };
    const bytes = await tenant.read.callsPageBytes({ ...page, startingAfter: query.starting_after, limit: limit + 1 }, (rows) =>
      Buffer.from(JSON.stringify(toPage(rows, { limit }, presentCallText))),
    );
    if (!bytes) throw invalid("`starting_after` names no call of this business.", [{ path: "query.starting_after", message: "unknown call" }]);
    return { status: 200, body: new JsonBytes<ResponseBody<"listCalls", 200>>(bytes) };
  }),

  tenantOperation("listLiveCalls", async ({ tenant }) => {
    const rows = await tenant.db.callLog.findMany({ where: { status: { in: ["queued", "ringing", "in_progress"] } }, orderBy: { startedAt: "desc" }, take: LIVE_CALLS_SHOWN + 1 });
    return { status: 200, body: { object: "list" as const, data: rows.slice(0, LIVE_CALLS_SHOWN).map(presentCall), has_more: rows.length > LIVE_CALLS_SHOWN } };
  }),

  tenantOperation("createCall", async ({ tenant, body, services }) => {
    const row = await placeOutboundCall(tenant.db, tenant.business, body, {
      dialer: services.twilioDialer, webhooks: twilioWebhookUrls(services.config), now: services.now(),
    }).finally(() => tenant.read.callsChanged()); // a refused call may have been kept, then deleted
    return { status: 201, body: presentCall(row) };
  }),

  tenantOperation("getCall", async ({ tenant, params }) => ({ status: 200, body: presentCall(await findCall(tenant, params.callId)) })),

  tenantOperation("deleteCall", async ({ tenant, params, services }) => {
    const call = await findCall(tenant, params.callId);
    if (!call.endedAt && ["queued", "ringing", "in_progress"].includes(call.status)) {
      throw new ApiError("conflict", "call_in_progress", { userMessage: "The call is still in progress; delete it once it has ended." });
    }
    // Twilio first: a call deleted here must not leave its recording behind at Twilio.
    if (call.recordingSid && call.recordingStatus !== "deleted") {
      await services.twilioRecordings.remove(call.recordingSid).catch((err) => {
        throw recordingProblem(err);
      });
    }
    await tenant.db.callLog.delete({ where: { id: call.id } });
    tenant.read.callsChanged(); // this instance's next list shows it gone, before Postgres's notice
    return { status: 204, body: undefined };
  }),

  streamOperation("getCallRecording", async ({ tenant, params, services, res }) => {
    const call = await findCall(tenant, params.callId);
    if (!call.recordingSid || call.recordingStatus !== "completed") {
      throw new ApiError("not_found", "recording_not_found", {
        userMessage: call.recordingStatus === "deleted" ? "The call's recording was deleted." : "The call has no finished recording.",
      });
    }
    const audio = await services.twilioRecordings.audio(call.recordingSid).catch((err) => {
      throw err instanceof TwilioCallError && err.kind === "call_not_found"
        ? new ApiError("not_found", "recording_not_found", { userMessage: "The call's recording is no longer at Twilio." })
        : recordingProblem(err);
    });
    res.status(200);
    res.setHeader("Content-Type", audio.contentType);
    if (audio.contentLength !== null) res.setHeader("Content-Length", String(audio.contentLength));
    res.setHeader("Content-Disposition", `attachment; filename="call-${call.id}.mp3"`);
    res.setHeader("Cache-Control", "private, no-store");
    await pipeline(Readable.fromWeb(audio.body as WebReadableStream<Uint8Array>), res).catch((err) => {
      // Headers are out: all that is left is to cut the audio short.
      services.logger.warn({ callId: call.id, err: err instanceof Error ? err.message : String(err) }, "recording stream ended early");
      res.destroy();
    });
  }),

  tenantOperation("getCallTranscript", async ({ tenant, params }) => {
    const call = await findCall(tenant, params.callId);
    const segments = await tenant.db.transcriptSegment.findMany({ where: { callId: call.id }, orderBy: { sequence: "asc" } });
    return { status: 200, body: { callId: call.id, data: segments.map(presentSegment) } };
  }),

  tenantOperation("listCallMessages", async ({ tenant, params }) => {
    const call = await findCall(tenant, params.callId);
    const messages = await tenant.db.callMessage.findMany({ where: { callId: call.id }, orderBy: { id: "desc" } });
    return { status: 200, body: { object: "list" as const, data: messages.map(presentMessage), has_more: false } };
  }),

  tenantOperation("listMessages", async ({ tenant, query }) => {
    const page = pageArgs(query);
    const rows = await tenant.db.callMessage.findMany({
      where: { ...page.cursorWhere, ...(query.status ? { status: query.status } : {}) },
      orderBy: page.orderBy,
      take: page.take,
    });
    return { status: 200, body: toPage(rows, query, presentMessage) };
  }),

  tenantOperation("updateMessage", async ({ tenant, params, body, services }) => {
    const found = await tenant.db.callMessage.findFirst({ where: { id: params.messageId } });
    if (!found) throw new ApiError("not_found", "not_found", { userMessage: "Message not found." });
    const row = await tenant.db.callMessage.update({
      where: { id: found.id },
      data: { status: body.status, handledAt: body.status === "handled" ? (found.handledAt ?? services.now()) : null },
    });
    return { status: 200, body: presentMessage(row) };
  }),
];
