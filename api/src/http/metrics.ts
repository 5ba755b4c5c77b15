// Request metrics for /metrics: a latency histogram by operation and status.
import type { RequestHandler } from "express";
import { Histogram, type Registry } from "@frontdesk/core/observability/metrics";

export function requestMetrics(registry: Registry): RequestHandler {
  const histogram = new Histogram({
    name: "http_request_duration_seconds",
    help: "API request latency by operation and status",
    labelNames: ["operation", "method", "status"],
    buckets: [0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return (req, res, next) => {
    const end = histogram.startTimer();
    res.on("finish", () => end({ operation: req.fd?.op.operationId ?? "unmatched", method: req.method, status: String(res.statusCode) }));
    next();
  };
}
