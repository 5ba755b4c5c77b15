// CORS: the dashboard's origin may call with its session cookie (credentials); widget
// endpoints answer browsers from the publishable key's allowed origins only (the origin is
// checked per request in authenticate; preflights cannot carry the key, so they are answered
// for any origin, without credentials). Everyone else gets no CORS headers.
import type { RequestHandler } from "express";

const ALLOWED_HEADERS = "Authorization, Content-Type, Idempotency-Key, Frontdesk-Business, X-CSRF-Token";
const EXPOSED_HEADERS = "Request-Id, RateLimit, RateLimit-Policy, Retry-After, Idempotent-Replayed";
const WIDGET_PATH = /^\/v1\/widget\//;

export function cors(opts: { dashboardOrigins: ReadonlySet<string> }): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin) return next();
    res.vary("Origin");
    const widget = WIDGET_PATH.test(req.path);
    const dashboard = !widget && opts.dashboardOrigins.has(origin);
    if (dashboard) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Credentials", "true");
      res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
      if (widget) {
        res.setHeader("Access-Control-Allow-Origin", origin);
        res.setHeader("Access-Control-Allow-Methods", "GET");
        res.setHeader("Access-Control-Allow-Headers", "Authorization");
        res.setHeader("Access-Control-Max-Age", "600");
      } else if (dashboard) {
        res.setHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE");
        res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        res.setHeader("Access-Control-Max-Age", "600");
      }
      res.status(204).end();
      return;
    }
    next();
  };
}

/** After authentication: a widget response is readable only by the key's allowed origin. */
export function widgetCorsHeaders(res: import("express").Response, origin: string): void {
  res.setHeader("Access-Control-Allow-Origin", origin);
  res.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
}
