// Team: members and their roles, invitations (the link is shown once, to pass on).
import type { Actions, PageServerLoad } from "./$types";
import { api, get } from "$lib/server/api";
import { currentMembership } from "$lib/server/business";
import { formValues, refused, saved } from "$lib/server/forms";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => {
  const m = currentMembership(event)!;
  const manager = m.role !== "viewer";
  const [members, invites] = await Promise.all([
    get<Schemas["MemberList"]>(event, "/v1/members?limit=100"),
    manager ? get<Schemas["InviteList"]>(event, "/v1/invites?limit=100") : Promise.resolve(null),
  ]);
  return { members: members.data, invites: invites?.data.filter((i) => i.status === "pending") ?? [], role: m.role, me: event.locals.session!.user.id };
};

export const actions: Actions = {
  invite: async (event) => {
    const v = await formValues(event.request);
    const r = await api<Schemas["InviteWithToken"]>(event, "POST", "/v1/invites", { body: { email: v.email ?? "", role: v.role || "viewer" } });
    if (!r.ok) return refused(r.problem, v, "invite");
    return saved("invite", `Invitation mailed to ${r.data.email}.`, { link: `${event.url.origin}/invite?token=${encodeURIComponent(r.data.token)}` });
  },
  revoke: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "DELETE", `/v1/invites/${encodeURIComponent(v.id ?? "")}`);
    if (!r.ok) return refused(r.problem, v, "members");
    return saved("members", "Invitation revoked.");
  },
  role: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "PATCH", `/v1/members/${encodeURIComponent(v.id ?? "")}`, { body: { role: v.role } });
    if (!r.ok) return refused(r.problem, v, "members");
    return saved("members", "Role changed.");
  },
  remove: async (event) => {
    const v = await formValues(event.request);
    const r = await api(event, "DELETE", `/v1/members/${encodeURIComponent(v.id ?? "")}`);
    if (!r.ok) return refused(r.problem, v, "members");
    return saved("members", "Member removed.");
  },
};
