// Placing an outbound call from a form (a call back from a call or a message, or a new call
// from the calls page): one POST /v1/calls. A refusal (outside opening hours, do-not-call,
// a country not called, the plan's limit, no Twilio) comes back as the API's own sentence.
import type { RequestEvent } from "@sveltejs/kit";
import { api } from "./api";
import { refused, saved, type FormResult } from "./forms";
import type { Schemas } from "$lib/types";

/** The form's fields → the call to place; `which` names the form the answer belongs to. */
export async function placeCall(event: RequestEvent, body: Schemas["CallCreate"], values: Record<string, string>, which: string): Promise<FormResult> {
  // One key per rendered form: a double click or a resubmitted page places one call, not two.
  const key = /^[\w-]{8,100}$/.test(values.idempotencyKey ?? "") ? values.idempotencyKey! : undefined;
  const r = await api<Schemas["Call"]>(event, "POST", "/v1/calls", { body, headers: key ? { "idempotency-key": key } : undefined });
  if (!r.ok) return refused(r.problem, values, which);
  return saved(which, `Calling ${r.data.to} now.`, { callId: r.data.id });
}

/** The optional purpose as the API wants it: absent when blank. */
export function purposeOf(v: Record<string, string>): { purpose?: string } {
  const p = v.purpose?.trim();
  return p ? { purpose: p } : {};
}
