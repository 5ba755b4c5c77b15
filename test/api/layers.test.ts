// Which module may import which, read from the sources themselves: dependencies point down
// the API's layers (http < auth < limits < routes < app), route modules never import a
// database client or the read pool (a handler reaches data only through its Tenant), and
// core/ imports neither api/ nor realtime/.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = new URL("../../", import.meta.url).pathname;
const API_SRC = join(ROOT, "api/src");

/** Lowest first; a module may import its own layer and those below, never above. */
const API_LAYERS: { name: string; holds: string[] }[] = [
  { name: "contract", holds: ["generated/", "spec/"] },
  // Raw reads of one business, and the services handlers are given (declared from core alone).
  { name: "ports", holds: ["read/", "services.ts"] },
  { name: "http", holds: ["http/"] },
  { name: "auth", holds: ["auth/"] },
  { name: "limits", holds: ["limits/"] },
  { name: "routes", holds: ["routes/"] },
  { name: "app", holds: ["app.ts", "worker.ts", "main.ts", "api-process.ts", "worker-process.ts"] },
];

/** What a route module may not import: a way to the unscoped database or the raw pool. */
const FORBIDDEN_IN_ROUTES: { module: RegExp; names?: string[]; why: string }[] = [
  { module: /^@frontdesk\/core\/db\/client$/, why: "the unscoped Prisma client" },
  { module: /^api\/src\/read\/(read-pool|scoped-query|tenant-reader)\.ts$/, why: "the read pool (use tenant.read)" },
  { module: /^(pg|@prisma\/adapter-pg|@electric-sql\/pglite.*)$/, why: "a database driver" },
  { module: /^@prisma\/client$/, names: ["PrismaClient"], why: "the unscoped Prisma client" },
  { module: /^@frontdesk\/core\/db\/tenant$/, names: ["forBusiness", "tenantDb", "ScopedDb"], why: "a scope of its own choosing (use tenant.db)" },
];

interface Import {
  from: string;
  /** Repository-relative path for relative imports; the bare specifier otherwise. */
  target: string;
  names: string[];
}

function sourceFiles(dir: string, skipTests = true): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") && !(skipTests && e.name.endsWith(".test.ts")))
    .map((e) => join(e.parentPath, e.name));
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, "utf8");
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (specifier: string, names: string[]) => {
    const target = specifier.startsWith(".") ? relative(ROOT, resolve(dirname(file), specifier)) : specifier;
    found.push({ from: relative(ROOT, file), target, names });
  };
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const names: string[] = [];
      const bindings = ts.isImportDeclaration(node) ? node.importClause?.namedBindings : node.exportClause;
      if (bindings && (ts.isNamedImports(bindings) || ts.isNamedExports(bindings))) {
        for (const el of bindings.elements) names.push((el.propertyName ?? el.name).text);
      }
      if (ts.isImportDeclaration(node) && node.importClause?.name) names.push("default");
      add(node.moduleSpecifier.text, names);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, ["*"]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function layerOf(repoPath: string): number {
  const inApi = relative("api/src", repoPath);
  return API_LAYERS.findIndex((l) => l.holds.some((h) => (h.endsWith("/") ? inApi.startsWith(h) : inApi === h)));
}

/** Imports of an api/src module from a higher layer than its own. */
function upwardImports(imports: Import[]): string[] {
  return imports
    .filter((i) => i.target.startsWith("api/src/") && layerOf(i.target) > layerOf(i.from))
    .map((i) => `${i.from} (${API_LAYERS[layerOf(i.from)]!.name}) imports ${i.target} (${API_LAYERS[layerOf(i.target)]!.name})`);
}

/** Imports of a route module that reach for the database on their own. */
function forbiddenInRoutes(imports: Import[]): string[] {
  return imports
    .filter((i) => i.from.startsWith("api/src/routes/"))
    .flatMap((i) =>
      FORBIDDEN_IN_ROUTES.filter((f) => f.module.test(i.target) && (!f.names || f.names.some((n) => i.names.includes(n)))).map(
        (f) => `${i.from} imports ${i.target}${f.names ? ` { ${i.names.join(", ")} }` : ""}: ${f.why}`,
      ),
    );
}

const apiFiles = sourceFiles(API_SRC);
const apiImports = apiFiles.flatMap(importsOf);

describe("the API's layers", () => {
  it("place every module of api/src in a layer", () => {
    expect(apiFiles.length).toBeGreaterThan(30);
    const unplaced = apiFiles.map((f) => relative(ROOT, f)).filter((f) => layerOf(f) < 0);
    expect(unplaced, "add these to API_LAYERS").toEqual([]);
  });

  it("are only imported downwards (http/ never imports limits/ or routes/, auth/ never routes/)", () => {
    expect(upwardImports(apiImports)).toEqual([]);
  });

  it("would catch the upward imports http/ and auth/ once had", () => {
    const once: Import[] = [
      { from: "api/src/http/operation.ts", target: "api/src/limits/idempotency.ts", names: ["runIdempotent"] },
      { from: "api/src/auth/session-body.ts", target: "api/src/routes/present.ts", names: ["presentUser"] },
      { from: "api/src/http/operation.ts", target: "api/src/services.ts", names: ["ApiServices"] },
    ];
    expect(upwardImports(once)).toHaveLength(2);
  });
});

describe("route modules", () => {
  const routeImports = apiImports.filter((i) => i.from.startsWith("api/src/routes/"));

  it("are the modules that hold the handlers", () => {
    expect(new Set(routeImports.map((i) => i.from)).size).toBeGreaterThan(10);
  });

  it("never import a database client, a driver, the read pool or a scope of their own choosing", () => {
    expect(forbiddenInRoutes(routeImports)).toEqual([]);
  });

  it("would be caught importing the read pool, the Prisma client or forBusiness, but not Prisma's types", () => {
    const from = "api/src/routes/calls.ts";
    const reaching: Import[] = [
      { from, target: "api/src/read/read-pool.ts", names: ["ReadPool"] },
      { from, target: "@frontdesk/core/db/client", names: ["Db"] },
      { from, target: "@prisma/client", names: ["PrismaClient"] },
      { from, target: "@frontdesk/core/db/tenant", names: ["forBusiness"] },
      { from, target: "pg", names: ["default"] },
    ];
    expect(forbiddenInRoutes(reaching)).toHaveLength(reaching.length);
    expect(forbiddenInRoutes([{ from, target: "@prisma/client", names: ["Prisma", "ApiKey"] }, { from, target: "api/src/read/call-analytics.ts", names: ["CallGroup"] }])).toEqual([]);
  });
});

describe("workspaces", () => {
  const workspaceOf = (target: string) =>
    /^@frontdesk\/(\w+)/.exec(target)?.[1] ?? /^(core|api|realtime|dashboard|widgets)\//.exec(target)?.[1] ?? null;
  const crossings = (dir: string, forbidden: string[]) =>
    sourceFiles(join(ROOT, dir))
      .flatMap(importsOf)
      .filter((i) => forbidden.includes(workspaceOf(i.target) ?? ""))
      .map((i) => `${i.from} imports ${i.target}`);

  it("core imports neither api/ nor realtime/ (nor the front ends)", () => {
    expect(crossings("core/src", ["api", "realtime", "dashboard", "widgets"])).toEqual([]);
  });

  it("api and realtime do not import each other", () => {
    expect(crossings("api/src", ["realtime", "dashboard", "widgets"])).toEqual([]);
    expect(crossings("realtime/src", ["api", "dashboard", "widgets"])).toEqual([]);
  });
});
