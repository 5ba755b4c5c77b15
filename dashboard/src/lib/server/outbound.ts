// Placing an outbound call from a form (a call back from a call or a message, or a new call
// from the calls page): one POST /v1/calls. A refusal (outside opening hours, do-not-call,
// a country not called, the plan's limit, no Twilio) comes back as the API's own sentence.
import type { RequestEvent } from "@sveltejs/kit";
import { api } from "./api";
import { refused, saved, type FormResult } from "./forms";
import type { Problem, Schemas } from "$lib/types";

/** The form's fields → the call to place; `which` names the form the answer belongs to. */
export async function placeCall(event: RequestEvent, body: Schemas["CallCreate"], values: Record<string, string>, which: string): Promise<FormResult> {
  // One key per rendered form: a double click or a resubmitted page places one call, not two.
  const key = /^[\w-]{8,100}$/.test(values.idempotencyKey ?? "") ? values.idempotencyKey! : undefined;
  const r = await api<Schemas["Call"]>(event, "POST", "/v1/calls", { body, headers: key ? { "idempotency-key": key } : undefined });
  if (!r.ok) return refused(inDashboardWords(r.problem), values, which);
  return saved(which, `Calling ${r.data.to} now.`, { callId: r.data.id });
}

/** The API's refusals name its fields; here they name the Agent page's settings instead. */
function inDashboardWords(problem: Problem): Problem {
  const detail = problem.detail ?? "";
  if (problem.code === "destination_not_allowed") {
    return { ...problem, detail: `${detail.replace(/;?\s*(change|set) outboundCallingCodes in the agent configuration\.?$/, ".")} Add its calling code under “Countries the agent may call” on the Agent page.` };
  }
  if (problem.code === "do_not_call") return { ...problem, detail: `${detail} Remove it under “Never call these numbers” on the Agent page if that is a mistake.` };
  return problem;
}

/** The optional purpose as the API wants it: absent when blank. */
export function purposeOf(v: Record<string, string>): { purpose?: string } {
  const p = v.purpose?.trim();
  return p ? { purpose: p } : {};
}
