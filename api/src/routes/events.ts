// The live stream of a business's calls, as server-sent events. Each listener subscribes to
// the business's channel on the shared cache, so events from any instance reach it; at most
// a bounded number of streams per business are open at once (a lease per stream).
import { randomUUID } from "node:crypto";
import { subscribeCallEvents } from "@frontdesk/core/calls/call-events";
import { streamOperation } from "../http/operation.ts";
import { ApiError } from "../http/api-error.ts";

export const MAX_STREAMS_PER_BUSINESS = 50;
const HEARTBEAT_MS = 15_000;
const LEASE_MS = 60_000;

export const eventOperations = [
  streamOperation("streamCallEvents", async ({ req, res, tenant, services }) => {
    const { cache, logger } = services;
    const businessId = tenant.business.id;
    const leaseKey = `sse:${businessId}`;
    const member = randomUUID();
    // If the cache is down the stream could not receive anything anyway.
    const leased = await cache.acquireLease(leaseKey, member, MAX_STREAMS_PER_BUSINESS, LEASE_MS).catch(() => {
      throw new ApiError("unavailable", "stream_unavailable", { userMessage: "The live stream is unavailable right now; retry shortly." });
    });
    if (!leased) {
      throw new ApiError("rate_limited", "too_many_streams", {
        userMessage: `At most ${MAX_STREAMS_PER_BUSINESS} live streams per business.`,
        headers: { "Retry-After": "30" },
      });
    }
    let unsubscribe: (() => Promise<void>) | undefined;
    try {
      unsubscribe = await subscribeCallEvents(cache, businessId, (event) => {
        res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
    } catch (err) {
      await cache.releaseLease(leaseKey, member).catch(() => {});
      throw new ApiError("unavailable", "stream_unavailable", { userMessage: "The live stream is unavailable right now; retry shortly.", cause: err });
    }
    res.status(200);
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache, no-transform");
    res.setHeader("Connection", "keep-alive");
    res.setHeader("X-Accel-Buffering", "no");
    res.flushHeaders();
    res.write(`retry: 3000\n: connected to ${businessId}\n\n`);
    const heartbeat = setInterval(() => {
      res.write(": keepalive\n\n");
      cache.renewLease(leaseKey, member, LEASE_MS).catch(() => {});
    }, HEARTBEAT_MS);
    heartbeat.unref();
    req.socket.setTimeout(0);
    await new Promise<void>((resolve) => res.on("close", resolve));
    clearInterval(heartbeat);
    await unsubscribe().catch((err) => logger.warn({ err: String(err), businessId }, "unsubscribe failed"));
    await cache.releaseLease(leaseKey, member).catch(() => {});
  }),
];
