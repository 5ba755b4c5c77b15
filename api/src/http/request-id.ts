// Gives every request an id (`req_…`), sent back in the Request-Id header and written in
// every log line and problem body about it.
import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";

// Random bytes are drawn 4 KiB at a time: one randomBytes(8) call per request cost more than
// the rest of the id.
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

export function newRequestId(): string {
  if (offset + 8 > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString("hex", offset, offset + 8);
  offset += 8;
  return `req_${Date.now().toString(16)}${hex}`;
}

export function requestId(): RequestHandler {
  return (_req, res, next) => {
    res.setHeader("Request-Id", newRequestId());
    next();
  };
}
