// Each widget script stays within its gzipped size budget (widgets/sources.ts): a page that
// embeds a widget pays for every byte, so a change that makes a script heavier fails here.
import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { DIST_DIR, GZIP_BUDGET_BYTES, TARGET_GZIP_BYTES, WIDGET_ENTRIES, gzippedBytes } from "../../widgets/sources.ts";
import { ensureWidgetsBuilt } from "./support/built-widgets.ts";

describe("widget script sizes", () => {
  it.each(Object.keys(WIDGET_ENTRIES))("%s.js is within its gzipped budget", async (name) => {
    await ensureWidgetsBuilt();
    const budget = GZIP_BUDGET_BYTES[name]!;
    expect(gzippedBytes(join(DIST_DIR, `${name}.js`)), `${name}.js gzipped (goal ${TARGET_GZIP_BYTES} bytes)`).toBeLessThanOrEqual(budget);
  }, 300_000);
});
