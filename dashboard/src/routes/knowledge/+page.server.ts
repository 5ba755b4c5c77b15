// Knowledge: documents by category with their indexing status, delete, bulk import by file.
import { redirect } from "@sveltejs/kit";
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { refused, saved } from "$lib/server/forms";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const [list, categories, status, gaps] = await Promise.all([
    get<Schemas["KnowledgeList"]>(event, "/v1/knowledge?limit=100"),
    get<Schemas["KnowledgeCategoryList"]>(event, "/v1/knowledge/categories"),
    get<Schemas["KnowledgeIndexStatus"]>(event, "/v1/knowledge/status"),
    get<Schemas["KnowledgeGapList"]>(event, "/v1/knowledge/gaps?sort=frequent&limit=20"),
  ]);
  // The API's categories (sorted, uncategorised last) with their counts; under each, its
  // documents among the newest 100.
  const groups = categories.data.map((c) => ({ ...c, items: list.data.filter((item) => (item.category ?? null) === c.category) }));
  return { groups, status, more: list.has_more, gaps: gaps.data };
};

const FORMATS: Record<string, "json" | "markdown" | "csv"> = { json: "json", md: "markdown", markdown: "markdown", csv: "csv", txt: "markdown" };

export const actions: Actions = {
  /** A question callers asked that the agent could not answer becomes a draft to complete. */
  draftGap: async (event) => {
    const id = String((await event.request.formData()).get("id") ?? "");
    const r = await api<Schemas["KnowledgeItem"]>(event, "POST", `/v1/knowledge/gaps/${encodeURIComponent(id)}/draft`);
    if (!r.ok) return refused(r.problem, {}, "gaps");
    redirect(303, `/knowledge/${r.data.id}`);
  },
  dismissGap: async (event) => {
    const id = String((await event.request.formData()).get("id") ?? "");
    const r = await api(event, "POST", `/v1/knowledge/gaps/${encodeURIComponent(id)}/dismiss`);
    if (!r.ok) return refused(r.problem, {}, "gaps");
    return saved("gaps", "Dismissed.");
  },
  delete: async (event) => {
    const id = String((await event.request.formData()).get("id") ?? "");
    const r = await api(event, "DELETE", `/v1/knowledge/${encodeURIComponent(id)}`);
    if (!r.ok) return refused(r.problem, {}, "delete");
    return saved("delete", "Deleted; the agent no longer uses it.");
  },
  import: async (event) => {
    const file = (await event.request.formData()).get("file");
    if (!(file instanceof File) || file.size === 0) return refused({ status: 400, code: "validation_failed", detail: "Choose a file to import." }, {}, "import");
    const ext = file.name.split(".").pop()?.toLowerCase() ?? "";
    const format = FORMATS[ext];
    if (!format) return refused({ status: 400, code: "validation_failed", detail: "Import a .md, .csv or .json file." }, {}, "import");
    const r = await api<Schemas["KnowledgeImportResult"]>(event, "POST", "/v1/knowledge/import", { body: { format, data: await file.text() } });
    if (!r.ok) return refused(r.problem, {}, "import");
    return saved("import", `Imported ${r.data.imported} documents; they are being indexed.`);
  },
};
