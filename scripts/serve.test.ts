import { spawn } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterEach, expect, test } from "vitest";

let blocker: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

test("stops with a sentence and a non-zero exit when its port is taken, before it starts any worker", async () => {
  blocker = createServer();
  const port = await new Promise<number>((resolve) =>
    blocker!.listen(0, "127.0.0.1", () => resolve((blocker!.address() as { port: number }).port)),
  );
  // No build and no database are needed: the port is claimed before Next prepares (and before
  // instrumentation.ts starts the job worker), so the refusal is all that can happen.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    env: { ...process.env, PORT: String(port), DATABASE_URL: "", PGLITE_DIR: "memory://" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve(null);
    }, 30_000);
    child.on("exit", (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  expect(code, output).toBe(1);
  expect(output).toContain(`Cannot start the portal: port ${port} is already in use`);
  expect(output).not.toContain("Ready on port");
});
