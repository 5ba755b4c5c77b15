// Form actions answer a refused change with the API's problem, so the page can show each
// error next to the field it concerns, and the values typed so far. The answer is a normal
// 200 page: a refusal the page explains is not a failed resource in the browser's console.
// `which` names the form on a page of several, so the message lands beside the right one.
import type { Problem } from "$lib/types";

export type FormResult = { which: string; values: Record<string, string>; message: string; problem: Problem | null; done: string | null; extra?: Record<string, unknown> };

export function refused(problem: Problem, values: Record<string, string> = {}, which = ""): FormResult {
  const message = problem.errors?.length ? "Please correct the fields marked below." : (problem.detail ?? problem.title ?? "The change was refused.");
  return { which, values, message, problem, done: null };
}

export function unreachable(values: Record<string, string> = {}, which = ""): FormResult {
  return { which, values, message: "The frontdesk API cannot be reached right now; try again in a moment.", problem: null, done: null };
}

/** A change that went through: `done` is what the page confirms. */
export function saved(which: string, done: string, extra?: Record<string, unknown>): FormResult {
  return { which, values: {}, message: "", problem: null, done, extra };
}

/** A form's fields as strings (files and repeated names aside). */
export async function formValues(request: Request): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of await request.formData()) if (typeof v === "string") out[k] = v;
  return out;
}
