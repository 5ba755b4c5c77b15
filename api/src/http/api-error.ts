// ApiError: an AppError with a precise, stable problem code (e.g. `insufficient_scope` under
// the generic `forbidden`, the error's `reason`) and headers of its own (Retry-After).
import { AppError, type AppErrorCode, type AppErrorOptions } from "@frontdesk/core/errors";
import type { components } from "../generated/openapi.ts";

/** The `code`s a problem may carry: the enum of openapi.yaml's Problem.code. */
export type ProblemCode = components["schemas"]["Problem"]["code"];

export class ApiError extends AppError {
  constructor(
    code: AppErrorCode,
    readonly problemCode: ProblemCode,
    opts: AppErrorOptions & { headers?: Record<string, string> } = {},
  ) {
    super(code, { ...opts, reason: problemCode });
    this.headers = opts.headers;
  }
  readonly headers: Record<string, string> | undefined;
}

export const unauthenticated = (problemCode: ProblemCode, userMessage: string) =>
  new ApiError("unauthenticated", problemCode, { userMessage });
export const forbidden = (problemCode: ProblemCode, userMessage: string) => new ApiError("forbidden", problemCode, { userMessage });
export const conflict = (problemCode: ProblemCode, userMessage: string) => new ApiError("conflict", problemCode, { userMessage });
export const invalid = (userMessage: string, errors?: { path: string; message: string }[]) =>
  new ApiError("validation_failed", "validation_failed", { userMessage, errors });
