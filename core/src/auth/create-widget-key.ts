// Creating a publishable widget key: public by design (it sits in a web page), so stored as it
// is, limited to the widgets it names and to its allowed origins (kept as bare origins).
import type { WidgetKey } from "@prisma/client";
import type { TenantTx } from "../db/tenant.ts";
import { generatePublishableKey, WIDGETS, type Widget } from "./api-keys.ts";

export interface NewWidgetKey {
  name: string;
  widgets?: readonly Widget[] | readonly string[];
  /** URLs or origins; each is kept as its origin (scheme, host, port). */
  allowedOrigins: readonly string[];
}

export function createWidgetKey(db: TenantTx, input: NewWidgetKey): Promise<WidgetKey> {
  return db.widgetKey.create({
    data: {
      businessId: db.businessId,
      name: input.name,
      key: generatePublishableKey(),
      widgets: [...(input.widgets ?? WIDGETS)],
      allowedOrigins: input.allowedOrigins.map((o) => new URL(o).origin),
    },
  });
}
