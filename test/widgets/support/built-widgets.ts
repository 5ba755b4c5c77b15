// Builds the widgets once per run, and only when their sources changed since the last build
// (the same check `npm start` makes), so every browser test loads the real scripts.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { builtHash, sourceHash, WIDGETS_DIR } from "../../../widgets/sources.ts";

let building: Promise<void> | undefined;

export function ensureWidgetsBuilt(): Promise<void> {
  building ??= (async () => {
    if (builtHash() === sourceHash()) return;
    await promisify(execFile)(process.execPath, ["--import", "tsx", "build.ts"], { cwd: WIDGETS_DIR, timeout: 240_000 });
  })();
  return building;
}
