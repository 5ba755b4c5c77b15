// The one place errors become responses: application/problem+json (RFC 9457) with a stable
// `code` and the request's id. Internal messages and stacks go to the log, never outward.
import type { ErrorRequestHandler, Response } from "express";
import { Prisma } from "@prisma/client";
import { AppError } from "@frontdesk/core/errors";
import { TenantViolation } from "@frontdesk/core/db/tenant";
import type { Logger } from "@frontdesk/core/observability/logger";
import { ApiError, type ProblemCode } from "./api-error.ts";

export const PROBLEM_TYPE_BASE = "https://frontdesk.dev/problems/";

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Unauthenticated",
  402: "Plan limit reached",
  403: "Forbidden",
  404: "Not found",
  405: "Method not allowed",
  406: "Not acceptable",
  408: "Request timeout",
  409: "Conflict",
  413: "Payload too large",
  415: "Unsupported media type",
  429: "Too many requests",
  500: "Internal error",
  503: "Unavailable",
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  request_id: string;
  errors?: { path: string; message: string }[];
}

export function problemBody(status: number, code: ProblemCode, detail: string, requestId: string, errors?: Problem["errors"]): Problem {
  return {
    type: PROBLEM_TYPE_BASE + code,
    title: TITLES[status] ?? "Error",
    status,
    code,
    detail,
    request_id: requestId,
    ...(errors && errors.length ? { errors } : {}),
  };
}

export function sendProblem(res: Response, problem: Problem, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(problem.status).type("application/problem+json").send(JSON.stringify(problem));
}

interface ValidatorError {
  status: number;
  errors?: { path?: string; message?: string; errorCode?: string }[];
  message?: string;
}

// body-parser and express-openapi-validator errors carry a status and a `type`/`errors`.
function fromFrameworkError(err: unknown): { status: number; code: ProblemCode; detail: string; errors?: Problem["errors"]; headers?: Record<string, string> } | null {
  if (!err || typeof err !== "object") return null;
  const e = err as ValidatorError & { type?: string; expose?: boolean; headers?: Record<string, string> };
  switch (e.type) {
    case "entity.parse.failed":
      return { status: 400, code: "invalid_json", detail: "The request body is not valid JSON." };
    case "entity.too.large":
      return { status: 413, code: "payload_too_large", detail: "The request body is too large." };
    case "encoding.unsupported":
    case "charset.unsupported":
      return { status: 415, code: "unsupported_media_type", detail: "The request body's encoding is not supported." };
    case "request.aborted":
      return { status: 400, code: "request_aborted", detail: "The request body was not received in full." };
  }
  // Any other client error raised by Express or a body parser (http-errors marks them expose).
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500 && !Array.isArray(e.errors)) {
    return e.expose ? { status: e.status, code: e.status === 400 ? "bad_request" : "client_error", detail: "The request could not be read." } : null;
  }
  if (typeof e.status !== "number" || !Array.isArray(e.errors)) return null;
  const errors = e.errors.map((x) => ({
    path: (x.path ?? "").replace(/^\//, "").replaceAll("/", "."),
    message: x.message ?? "is invalid",
  }));
  switch (e.status) {
    case 400:
      return { status: 400, code: "validation_failed", detail: "The request does not match the API description.", errors };
    case 404:
      return { status: 404, code: "route_not_found", detail: "No such route." };
    case 405:
      return { status: 405, code: "method_not_allowed", detail: "This route does not accept that method.", headers: e.headers };
    case 413:
      return { status: 413, code: "payload_too_large", detail: "The request body is too large." };
    case 415:
      return { status: 415, code: "unsupported_media_type", detail: "Send the body as application/json.", errors };
    case 406:
      return { status: 406, code: "not_acceptable", detail: "This route cannot answer in the accepted media type." };
    default:
      return null;
  }
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = String(res.getHeader("Request-Id") ?? "");
    if (err instanceof AppError) {
      // Typed against the contract's enum: core's generic codes by the compiler, ApiError's
      // problem codes by their type; core's reasons are plain strings, held to the enum by the
      // contract test (it reads them from the source).
      const generic: ProblemCode = err.code;
      const code = (err.reason as ProblemCode | undefined) ?? generic;
      if (err.status >= 500) logger.error({ err, requestId, code }, "request failed");
      const detail = err.status >= 500 && err.code === "internal" ? "Something went wrong on our side." : err.userMessage;
      sendProblem(res, problemBody(err.status, code, detail, requestId, err.errors), err instanceof ApiError ? err.headers : undefined);
      return;
    }
    const framework = fromFrameworkError(err);
    if (framework) {
      sendProblem(res, problemBody(framework.status, framework.code, framework.detail, requestId, framework.errors), framework.headers);
      return;
    }
    // Safety nets: a unique clash or a missing row that slipped past a handler's own check.
    if (err instanceof Prisma.PrismaClientKnownRequestError) {
      if (err.code === "P2002") return sendProblem(res, problemBody(409, "conflict", "That conflicts with an existing record.", requestId));
      if (err.code === "P2025") return sendProblem(res, problemBody(404, "not_found", "Not found.", requestId));
    }
    if (err instanceof TenantViolation) {
      logger.error({ err, requestId }, "tenant violation");
      return sendProblem(res, problemBody(404, "not_found", "Not found.", requestId));
    }
    logger.error({ err, requestId, method: req.method, path: req.path }, "unhandled error");
    sendProblem(res, problemBody(500, "internal", "Something went wrong on our side.", requestId));
  };
}
