// How `npm run api:client` generates the TypeScript client of openapi.yaml (committed under
// api/src/generated/client; test/api/client.test.ts regenerates it and diffs). The client is
// what an integrator would generate: fetch, typed SDK functions, no post-processing.
import { defineConfig } from "@hey-api/openapi-ts";

export default defineConfig({
  input: "openapi.yaml",
  output: { path: "api/src/generated/client", importFileExtension: ".ts" },
  plugins: ["@hey-api/client-fetch", "@hey-api/typescript", "@hey-api/sdk"],
  logs: { level: "silent" },
});
