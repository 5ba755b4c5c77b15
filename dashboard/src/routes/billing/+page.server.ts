// Plan and usage. Upgrade and portal buttons belong here once the API says billing is
// configured; until then the page shows the plan and what was used against its limits.
import type { PageServerLoad } from "./$types";
import { get } from "$lib/server/api";
import type { Schemas } from "$lib/types";

export const load: PageServerLoad = async (event) => ({ usage: await get<Schemas["Usage"]>(event, "/v1/usage") });
