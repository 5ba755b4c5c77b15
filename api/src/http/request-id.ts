// Gives every request an id (`req_…`), sent back in the Request-Id header and written in
// every log line and problem body about it.
import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";

export function newRequestId(): string {
  return `req_${Date.now().toString(16)}${randomBytes(8).toString("hex")}`;
}

export function requestId(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader("Request-Id", newRequestId());
    next();
  };
}
