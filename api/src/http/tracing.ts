// One OpenTelemetry server span per request (only mounted when tracing is configured): named
// by the operation, continuing the caller's `traceparent`, tagged with the request id and
// business. Spans go wherever core/observability/tracing registered the provider.
import type { RequestHandler } from "express";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

export function traceRequests(): RequestHandler {
  const tracer = trace.getTracer("frontdesk-api");
  return (req, res, next) => {
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(`${req.method} ${req.path}`, { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method, "url.path": req.path } }, parent);
    res.once("close", () => {
      const op = req.fd?.op;
      if (op) span.updateName(`${req.method} ${op.operationId}`);
      span.setAttributes({
        "http.response.status_code": res.statusCode,
        "frontdesk.request_id": String(res.getHeader("Request-Id") ?? ""),
        ...(req.fd?.tenant ? { "frontdesk.business_id": req.fd.tenant.business.id } : {}),
      });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}
