// GET /simulator/calls/:callSid/events: one call's transcript as it is written, as
// server-sent events, for `npm run call` (a simulated caller hears audio, not words). It is
// signed like a Twilio webhook — whoever holds the Twilio auth token can already place calls
// — and is not served when NODE_ENV=production. The stored lines come first, then live ones
// (deduplicated by sequence), then `call.ended`.
import type { Request, Response } from "express";
import type { AppConfig } from "@frontdesk/core/config/env";
import type { Cache } from "@frontdesk/core/cache/cache";
import type { Db } from "@frontdesk/core/db/client";
import { forBusiness } from "@frontdesk/core/db/tenant";
import { subscribeCallEvents, type CallEvent } from "@frontdesk/core/calls/call-events";
import { requireTwilioSignature } from "./twilio-signature.ts";
import { CALL_SID } from "@frontdesk/core/telephony/twilio-calls";

export interface CallTranscriptFeedDeps {
  config: Pick<AppConfig, "publicBaseUrl" | "twilio">;
  db: Db;
  cache: Pick<Cache, "subscribe">;
}

const HEARTBEAT_MS = 15_000;

export function callTranscriptFeed(deps: CallTranscriptFeedDeps) {
  return async (req: Request, res: Response) => {
    if (!requireTwilioSignature(req, res, deps.config, {})) return;
    const callSid = String(req.params.callSid ?? "");
    if (!CALL_SID.test(callSid)) {
      res.status(400).type("text/plain").send("Bad Request: not a call SID");
      return;
    }
    // System lookup, as for a status callback: the signed callSid names the call.
    const call = await deps.db.callLog.findUnique({ where: { callSid }, select: { id: true, businessId: true, callSid: true } });
    if (!call) {
      res.status(404).type("text/plain").send("Not Found: no such call");
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    const send = (e: CallEvent) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
    let lastSequence = -1;
    let replayed = false;
    const early: CallEvent[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(heartbeat);
      unsubscribe.then((u) => u()).catch(() => {});
      res.end();
    };
    const deliver = (e: CallEvent) => {
      if (e.type === "call.transcript") {
        const seq = Number(e.data.sequence);
        if (seq <= lastSequence) return;
        lastSequence = seq;
        send(e);
      } else if (e.type === "call.ended") {
        send(e);
        finish();
      } else send(e);
    };
    const unsubscribe = subscribeCallEvents(deps.cache, call.businessId, (e) => {
      if (e.callId !== call.id || done) return;
      if (replayed) deliver(e);
      else early.push(e);
    });
    const heartbeat = setInterval(() => res.write(": still here\n\n"), HEARTBEAT_MS);
    req.on("close", finish);
    try {
      await unsubscribe;
      const { segments, ended } = await storedSoFar(deps.db, call);
      for (const e of segments) deliver(e);
      replayed = true;
      for (const e of early.splice(0)) deliver(e);
      // A call whose end was written before we subscribed will not announce it again.
      if (!done && ended) deliver(ended);
    } catch {
      finish(); // the cache or database is unavailable: the client sees the feed end
    }
  };
}

/** The call's stored transcript lines, and its end if it has ended, as the events they were. */
async function storedSoFar(db: Db, call: { id: string; businessId: string; callSid: string }) {
  const scoped = forBusiness(db, call.businessId);
  const [rows, log] = await Promise.all([
    scoped.transcriptSegment.findMany({ where: { callId: call.id }, orderBy: { sequence: "asc" } }),
    scoped.callLog.findUniqueOrThrow({ where: { id: call.id } }),
  ]);
  const base = { businessId: call.businessId, callId: call.id };
  const segments: CallEvent[] = rows.map((s) => ({
    ...base, id: s.id, type: "call.transcript", at: s.createdAt.toISOString(),
    data: { callSid: call.callSid, role: s.role, text: s.text, startMs: s.startMs, endMs: s.endMs, toolName: s.toolName, latencyMs: s.latencyMs, sequence: s.sequence },
  }));
  const ended: CallEvent | null =
    log.endReason && log.endedAt
      ? {
          ...base, id: `ended_${call.id}`, type: "call.ended", at: log.endedAt.toISOString(),
          data: { callSid: call.callSid, endReason: log.endReason, durationSec: log.durationSec, transferredTo: log.transferredTo },
        }
      : null;
  return { segments, ended };
}
