// Widgets: publishable keys (which widgets, from which sites), and the snippet to paste.
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { formValues, refused, saved } from "$lib/server/forms";
import { apiPublicUrl } from "$lib/server/upstream";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const keys = await get<Schemas["WidgetKeyList"]>(event, "/v1/widget-keys?limit=100");
  return { keys: keys.data.filter((k) => !k.revokedAt), apiBase: apiPublicUrl() };
};

const origins = (text: string | undefined) => (text ?? "").split(/[\s,]+/).map((o) => o.trim().replace(/\/+$/, "")).filter(Boolean);

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const v = { name: String(form.get("name") ?? ""), allowedOrigins: String(form.get("allowedOrigins") ?? "") };
    const widgets = form.getAll("widgets").map(String) as Schemas["Widget"][];
    const r = await api(event, "POST", "/v1/widget-keys", { body: { name: v.name, widgets, allowedOrigins: origins(v.allowedOrigins) } });
    if (!r.ok) return refused(r.problem, v, "create");
    return saved("create", "Publishable key created; paste its snippet into your site.");
  },
  origins: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "PATCH", `/v1/widget-keys/${encodeURIComponent(v.id ?? "")}`, { body: { allowedOrigins: origins(v.allowedOrigins) } });
    if (!r.ok) return refused(r.problem, v, `origins-${v.id}`);
    return saved(`origins-${v.id}`, "Allowed sites saved.");
  },
  revoke: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "DELETE", `/v1/widget-keys/${encodeURIComponent(v.id ?? "")}`);
    if (!r.ok) return refused(r.problem, v, "create");
    return saved("create", "Key revoked; widgets using it stop loading.");
  },
};
