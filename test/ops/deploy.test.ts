// The container image and the Kubernetes manifests, checked against the code since no
// container engine or cluster runs here: the files the Dockerfile copies and the commands it
// runs exist; every manifest parses; probes hit /readyz and /healthz on a declared port;
// every environment variable a manifest sets is one the env schema (core) declares; the
// relay's grace period covers its drain; alerts and dashboard panels use exported metrics.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { ENV_VARIABLES } from "@frontdesk/core/config/env";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const K8S = "deploy/k8s";
/** Read by the dashboard server (adapter-node's ORIGIN, its API proxy), not by core's env schema. */
const DASHBOARD_ONLY = new Set(["ORIGIN", "API_INTERNAL_URL"]);

function docs(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, "utf8")).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJS() as Obj;
  }).filter(Boolean);
}

const kustomization = docs(join(K8S, "kustomization.yaml"))[0]!;
const resources: Obj[] = (kustomization.resources as string[]).flatMap((f) => docs(join(K8S, f)));
const byKind = (kind: string) => resources.filter((r) => r.kind === kind);
const deployments = byKind("Deployment");
const config = byKind("ConfigMap").find((c) => c.metadata.name === "frontdesk-config")!;
const secretKeys = Object.keys(docs(join(K8S, "secret.example.yaml"))[0]!.stringData);

/** The repository file a container command runs (`node [--import tsx] <file> …`). */
function scriptOf(command: string[]): string {
  const args = command.slice(command.indexOf("node") + 1);
  const file = args.find((a, i) => !a.startsWith("-") && args[i - 1] !== "--import");
  return file!;
}

function metricNamesInSource(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts")) for (const m of readFileSync(p, "utf8").matchAll(/name: "([a-z_]+)"/g)) names.add(m[1]!);
    }
  };
  ["core/src", "api/src", "realtime/src"].forEach(walk);
  return names;
}

describe("Dockerfile", () => {
  const text = readFileSync("Dockerfile", "utf8").replace(/\\\n/g, " ");
  const lines = text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#"));
  const stages = lines.filter((l) => /^FROM /.test(l));
  const finalStage = lines.slice(lines.lastIndexOf(stages.at(-1)!));

  it("is multi-stage, runs as a non-root user under tini with a health check, and keeps production dependencies only", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const user = finalStage.find((l) => l.startsWith("USER "));
    expect(user?.split(/\s+/)[1]).not.toMatch(/^(root|0)$/);
    expect(finalStage.some((l) => l.startsWith("ENTRYPOINT") && l.includes("tini"))).toBe(true);
    expect(finalStage.some((l) => l.startsWith("HEALTHCHECK") && l.includes("/healthz"))).toBe(true);
    expect(text).toMatch(/npm prune --omit=dev/);
  });

  it("copies only files that exist and that .dockerignore lets through", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    for (const line of lines.filter((l) => l.startsWith("COPY ") && !l.includes("--from"))) {
      const sources = line.split(/\s+/).slice(1, -1);
      for (const src of sources) {
        expect(existsSync(src), `${line}: ${src}`).toBe(true);
        expect(ignored.filter((p) => src !== "." && (src === p || src.startsWith(p + "/"))), src).toEqual([]);
      }
    }
  });

  it("runs commands that exist: the npm scripts it calls and the entry points of every process", () => {
    const pkg = (p: string) => JSON.parse(readFileSync(p, "utf8")) as { scripts?: Record<string, string>; dependencies?: Record<string, string> };
    for (const m of text.matchAll(/npm run (\S+) -w (\S+)/g)) expect(pkg(`${m[2]}/package.json`).scripts?.[m[1]!], m[0]).toBeDefined();
    const cmd = JSON.parse(finalStage.find((l) => l.startsWith("CMD "))!.slice(4)) as string[];
    expect(existsSync(scriptOf(cmd))).toBe(true);
    for (const m of readFileSync("Dockerfile", "utf8").matchAll(/^#\s+\w+\s+node (?:--import tsx )?(\S+)/gm)) expect(existsSync(m[1]!), m[0]).toBe(true);
    // Pruned to production dependencies, tsx (which runs the sources) and Prisma (migrations) stay.
    expect(pkg("api/package.json").dependencies?.tsx).toBeDefined();
    expect(pkg("realtime/package.json").dependencies?.tsx).toBeDefined();
    expect(pkg("core/package.json").dependencies?.prisma).toBeDefined();
  });
});

describe("Kubernetes manifests", () => {
  it("deploy api, worker, realtime and dashboard, each with a Service, a PodDisruptionBudget and resource requests", () => {
    const names = deployments.map((d) => d.metadata.name).sort();
    expect(names).toEqual(["frontdesk-api", "frontdesk-dashboard", "frontdesk-realtime", "frontdesk-worker"]);
    for (const d of deployments) {
      const labels = d.spec.template.metadata.labels;
      expect(d.spec.selector.matchLabels).toEqual(labels);
      const matches = (sel: Obj) => Object.entries(sel).every(([k, v]) => labels[k] === v);
      const service = byKind("Service").find((s) => matches(s.spec.selector));
      expect(service, `Service for ${d.metadata.name}`).toBeDefined();
      const ports = d.spec.template.spec.containers[0].ports.map((p: Obj) => p.name);
      expect(ports).toContain(service!.spec.ports[0].targetPort);
      expect(byKind("PodDisruptionBudget").some((p) => matches(p.spec.selector.matchLabels)), `PDB for ${d.metadata.name}`).toBe(true);
      const res = d.spec.template.spec.containers[0].resources;
      expect(res.requests.cpu && res.requests.memory, d.metadata.name).toBeTruthy();
    }
  });

  it("probe /readyz and /healthz on the container's port, which is the PORT the process listens on", () => {
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      const port = c.ports[0];
      expect(c.readinessProbe.httpGet.path, d.metadata.name).toBe("/readyz");
      expect(c.livenessProbe.httpGet.path, d.metadata.name).toBe("/healthz");
      for (const probe of [c.readinessProbe, c.livenessProbe]) expect([port.name, port.containerPort]).toContain(probe.httpGet.port);
      expect(c.env.find((e: Obj) => e.name === "PORT")?.value, d.metadata.name).toBe(String(port.containerPort));
    }
  });

  it("set only environment variables the env schema declares, secrets by reference", () => {
    for (const key of Object.keys(config.data)) expect(ENV_VARIABLES, `ConfigMap ${key}`).toContain(key);
    for (const key of secretKeys) expect(ENV_VARIABLES, `Secret ${key}`).toContain(key);
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0];
      for (const e of c.env as Obj[]) {
        const allowed = ENV_VARIABLES.includes(e.name) || (d.metadata.name === "frontdesk-dashboard" && DASHBOARD_ONLY.has(e.name));
        expect(allowed, `${d.metadata.name}: ${e.name}`).toBe(true);
        expect(e.value === undefined || !/SECRET|TOKEN|KEY|DATABASE_URL|REDIS_URL/.test(e.name), `${e.name} given inline`).toBe(true);
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          expect(ref.name).toBe("frontdesk-secrets");
          expect(secretKeys).toContain(ref.key);
        }
      }
      for (const from of c.envFrom ?? []) expect(from.configMapRef.name).toBe("frontdesk-config");
    }
  });

  it("run entry points that exist, under tini, as a non-root user", () => {
    for (const w of [...deployments, ...byKind("Job")]) {
      const spec = w.spec.template.spec;
      const c = spec.containers[0];
      expect(c.command[0]).toBe("/usr/bin/tini");
      expect(existsSync(scriptOf(c.command)), `${w.metadata.name}: ${c.command.join(" ")}`).toBe(true);
      expect(spec.securityContext.runAsNonRoot).toBe(true);
    }
    const worker = deployments.find((d) => d.metadata.name === "frontdesk-worker")!;
    expect(worker.spec.template.spec.containers[0].command).toContain("--worker");
    // Workers run apart, so the API runs none.
    expect(config.data.API_JOB_WORKER).toBe("off");
  });

  it("give the relay a grace period longer than its call drain, and autoscale the relay on live calls and the API on CPU", () => {
    const relay = deployments.find((d) => d.metadata.name === "frontdesk-realtime")!;
    expect(relay.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(config.data.DRAIN_TIMEOUT_MS));
    const api = deployments.find((d) => d.metadata.name === "frontdesk-api")!;
    expect(api.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(Number(config.data.SHUTDOWN_DELAY_MS) + Number(config.data.API_DRAIN_TIMEOUT_MS));
    const hpa = (name: string) => byKind("HorizontalPodAutoscaler").find((h) => h.spec.scaleTargetRef.name === name)!;
    expect(hpa("frontdesk-api").spec.metrics[0].resource.name).toBe("cpu");
    const relayMetric = hpa("frontdesk-realtime").spec.metrics[0].pods.metric.name;
    expect(metricNamesInSource()).toContain(relayMetric);
  });
});

describe("monitoring", () => {
  const known = metricNamesInSource();
  const used = (expr: string) =>
    [...expr.matchAll(/\b((?:relay|jobs|webhook|http_request)_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]!);

  it("alert rules and dashboard panels query metrics the processes export", () => {
    const rules = docs("deploy/monitoring/alerts.yaml")[0]!.groups.flatMap((g: Obj) => g.rules) as Obj[];
    const dashboard = JSON.parse(readFileSync("deploy/monitoring/grafana-dashboard.json", "utf8")) as { panels: { targets: { expr: string }[] }[] };
    const exprs = [...rules.map((r) => String(r.expr)), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))];
    expect(exprs.length).toBeGreaterThan(10);
    for (const expr of exprs) for (const metric of used(expr)) expect(known, `${metric} in ${expr}`).toContain(metric);
    const alerted = rules.map((r) => String(r.expr)).join("\n");
    for (const signal of ["relay_agent_audio_forward_ms", "relay_calls_refused_total", "relay_model_reconnects_total", "jobs_oldest_queued_age_seconds", "http_request_duration_seconds"]) {
      expect(alerted).toContain(signal);
    }
  });
});

describe("README", () => {
  it("documents every environment variable of the schema", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const name of ENV_VARIABLES) expect(readme, name).toContain(`| \`${name}\``);
  });
});
