import { redirect } from "@sveltejs/kit";
import type { Actions } from "./$types";
import { api } from "$lib/server/api";
import { formValues, refused } from "$lib/server/forms";
import { knowledgeBody } from "$lib/server/knowledge-form";

export const actions: Actions = {
  save: async (event) => {
    const v = await formValues(event.request);
    const r = await api<{ id: string }>(event, "POST", "/v1/knowledge", { body: knowledgeBody(v) });
    if (!r.ok) return refused(r.problem, v, "save");
    redirect(303, `/knowledge/${r.data.id}?saved=1`);
  },
};
