// Form actions answer a refused change with the API's problem, so the page can show each
// error next to the field it concerns, and the values typed so far. The answer is a normal
// 200 page: a refusal the page explains is not a failed resource in the browser's console.
import type { Problem } from "$lib/types";

export type FormFailure = { values: Record<string, string>; message: string; problem: Problem | null };

export function refused(problem: Problem, values: Record<string, string> = {}) {
  const message = problem.errors?.length ? "Please correct the fields marked below." : (problem.detail ?? problem.title ?? "The change was refused.");
  return { values, message, problem } satisfies FormFailure;
}

export function unreachable(values: Record<string, string> = {}) {
  return { values, message: "The frontdesk API cannot be reached right now; try again in a moment.", problem: null } satisfies FormFailure;
}

/** A form's fields as strings (files and repeated names aside). */
export async function formValues(request: Request): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of await request.formData()) if (typeof v === "string") out[k] = v;
  return out;
}
