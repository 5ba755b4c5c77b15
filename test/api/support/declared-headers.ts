// What openapi.yaml declares about a response's headers, for checking real responses against
// the contract: the headers an operation's answer with a given status may carry, and which of
// them it must.
import { resolve } from "./schema-fuzz.ts";
import type { LoadedSpec, SpecOperation } from "../../../api/src/spec/spec.ts";

/** The headers the API promises in prose; each must be declared wherever it is sent. */
export const PROMISED_HEADERS = ["request-id", "ratelimit", "ratelimit-policy", "retry-after", "idempotent-replayed"] as const;

export interface DeclaredHeaders {
  /** Lower-cased names the response may carry. */
  names: Set<string>;
  /** Lower-cased names it must carry. */
  required: Set<string>;
}

/** The response object an operation declares for a status (falling back to `default`), $refs resolved. */
export function declaredResponse(spec: LoadedSpec, op: SpecOperation, status: number): Record<string, any> | undefined {
  const responses = op.raw.responses as Record<string, Record<string, unknown>>;
  const r = responses[String(status)] ?? responses.default;
  return r ? resolve(r, spec.document) : undefined;
}

export function declaredHeaders(spec: LoadedSpec, op: SpecOperation, status: number): DeclaredHeaders {
  const names = new Set<string>();
  const required = new Set<string>();
  const headers = (declaredResponse(spec, op, status)?.headers ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, header] of Object.entries(headers)) {
    names.add(name.toLowerCase());
    if (resolve(header, spec.document).required === true) required.add(name.toLowerCase());
  }
  return { names, required };
}

/** Problems with one real response's headers against the contract ([] when it keeps it). */
export function headerProblems(spec: LoadedSpec, op: SpecOperation, status: number, headers: Headers): string[] {
  const declared = declaredHeaders(spec, op, status);
  const problems: string[] = [];
  for (const name of PROMISED_HEADERS) {
    if (headers.has(name) && !declared.names.has(name)) problems.push(`${op.operationId} ${status} sends ${name} but does not declare it`);
  }
  for (const name of declared.required) {
    if (!headers.has(name)) problems.push(`${op.operationId} ${status} declares ${name} required but did not send it`);
  }
  return problems;
}
