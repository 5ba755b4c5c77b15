// Real product processes for the operations tests: spawned with `tsx` like the npm scripts,
// their output kept for failure messages, stopped by signal and awaited.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

export interface Proc {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  exited: Promise<number | null>;
  /** Sends the signal and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const running = new Set<Proc>();

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts a TypeScript entry point under tsx, as the npm scripts do. */
export function startProcess(args: string[], env: NodeJS.ProcessEnv): Proc {
  return startCommand(process.execPath, ["--import", "tsx", ...args], env);
}

/** Starts any command (e.g. `npm run db:seed`, exactly as the README says). */
export function startCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  // Its own process group: `npm run` exits on a signal without waiting for the script it
  // started, so stopping signals the whole group, and anything left after the command exits
  // is killed (an API left listening here outlived the test run).
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const proc: Proc = {
    child,
    output: () => out,
    exited,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) signalGroup(child, signal);
      const code = await exited;
      signalGroup(child, "SIGKILL");
      running.delete(proc);
      return code;
    },
  };
  running.add(proc);
  void exited.then(() => {
    signalGroup(child, "SIGKILL");
    running.delete(proc);
  });
  return proc;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // the group is gone already
  }
}

/** Runs a command to completion and returns its exit code and output. */
export async function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const p = startCommand(command, args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}

/** Kills whatever a test left running (afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop("SIGKILL")));
}

/** Polls `url` until it answers `status` (default 200); throws with the process output after `timeoutMs`. */
export async function waitForStatus(url: string, proc: Proc | undefined, status = 200, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (proc && proc.child.exitCode !== null) throw new Error(`process exited (${proc.child.exitCode}) before ${url} answered:\n${proc.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === status) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (${last}):\n${proc?.output() ?? ""}`);
}
