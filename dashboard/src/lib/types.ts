// The API's types, generated from openapi.yaml (npm run api:types): pages speak the contract.
import type { components } from "../../../api/src/generated/openapi";

export type Schemas = components["schemas"];
export type Session = Schemas["Session"];
export type Business = Schemas["Business"];
export type Call = Schemas["Call"];

/** An RFC 9457 problem as the API writes it; `errors` name the fields a 400 concerns. */
export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** The message of a problem's error about one field, e.g. `fieldError(p, "name")` for body.name. */
export function fieldError(problem: Problem | undefined | null, field: string): string | undefined {
  return problem?.errors?.find((e) => e.path === `body.${field}` || e.path === field || e.path.startsWith(`body.${field}.`))?.message;
}
