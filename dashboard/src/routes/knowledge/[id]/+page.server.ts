import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { formValues, refused, saved } from "$lib/server/forms";
import { knowledgeBody } from "$lib/server/knowledge-form";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const doc = await get<Schemas["KnowledgeItem"]>(event, `/v1/knowledge/${encodeURIComponent(event.params.id)}`);
  return { doc, justSaved: event.url.searchParams.has("saved") };
};

export const actions: Actions = {
  save: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "PATCH", `/v1/knowledge/${encodeURIComponent(event.params.id)}`, { body: knowledgeBody(v) });
    if (!r.ok) return refused(r.problem, v, "save");
    return saved("save", "Saved; the new version is being indexed.");
  },
};
