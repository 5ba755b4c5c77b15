// AppError: one error with two messages. `message` is for logs; `userMessage` is what the
// caller of the API may read. api/ maps it once to application/problem+json.

export type AppErrorCode =
  | "validation_failed"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "plan_limit"
  | "payload_too_large"
  | "unavailable"
  | "internal";

const STATUS: Record<AppErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  plan_limit: 402,
  unavailable: 503,
  internal: 500,
};

export interface AppErrorOptions {
  message?: string;
  userMessage?: string;
  /** A precise, stable reason under the generic code (`key_not_active` under `conflict`): the problem's `code` when given. */
  reason?: string;
  /** Per-field problems for validation errors. */
  errors?: { path: string; message: string }[];
  cause?: unknown;
}

export class AppError extends Error {
  readonly status: number;
  readonly userMessage: string;
  readonly errors: { path: string; message: string }[] | undefined;
  readonly reason: string | undefined;
  constructor(readonly code: AppErrorCode, opts: AppErrorOptions = {}) {
    super(opts.message ?? opts.userMessage ?? code, { cause: opts.cause });
    this.name = "AppError";
    this.status = STATUS[code];
    this.userMessage = opts.userMessage ?? opts.message ?? code;
    this.errors = opts.errors;
    this.reason = opts.reason;
  }
}

export const notFound = (what: string) => new AppError("not_found", { userMessage: `${what} not found` });
