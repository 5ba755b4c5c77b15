// A business's data export, streamed as it is read (core/business/export-business), with
// backpressure: a slow client slows the reads rather than filling memory.
import { exportBusiness } from "@frontdesk/core/business/export-business";
import { streamOperation } from "../http/operation.ts";

export const businessExportOperations = [
  streamOperation("exportBusiness", async ({ res, tenant, services }) => {
    const at = services.now();
    res.status(200);
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Content-Disposition", `attachment; filename="frontdesk-export-${tenant.business.id}-${at.toISOString().slice(0, 10)}.json"`);
    let closed = false;
    res.once("close", () => (closed = true));
    await exportBusiness(tenant.db, {
      actor: tenant.actor,
      at,
      write: async (piece) => {
        if (closed) throw new Error("client went away during the export");
        if (!res.write(piece)) await new Promise<void>((resume) => {
          res.once("drain", resume);
          res.once("close", resume);
        });
      },
    }).catch((err) => {
      // Headers are out: all that is left is to cut the document short, which no JSON parser accepts.
      services.logger.warn({ businessId: tenant.business.id, err: err instanceof Error ? err.message : String(err) }, "export ended early");
      res.destroy();
    });
    res.end();
  }),
];
