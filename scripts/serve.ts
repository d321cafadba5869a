// Serves the built app with several Node processes sharing one port (node:cluster): Next renders
// each request on one JavaScript thread, so one process uses one core. WEB_CONCURRENCY sets how
// many (default 1). Only with PostgreSQL: the embedded PGlite folder can be opened by one process.
import cluster from "node:cluster";
import { createServer } from "node:http";
import next from "next";

const port = Number(process.env.PORT ?? 3000);
const processes = Math.max(1, Number(process.env.WEB_CONCURRENCY ?? 1));

if (processes > 1 && !process.env.DATABASE_URL) {
  console.error("WEB_CONCURRENCY above 1 needs DATABASE_URL: the embedded database can be opened by one process only.");
  process.exit(1);
}

if (cluster.isPrimary && processes > 1) {
  const started = new Map<number, number>();
  const fork = () => started.set(cluster.fork().id, Date.now());
  for (let i = 0; i < processes; i++) fork();
  cluster.on("exit", (worker, code, signal) => {
    if (signal === "SIGTERM" || signal === "SIGINT") return;
    // A process that dies while starting will die again: stop instead of restarting in a loop.
    if (Date.now() - (started.get(worker.id) ?? 0) < 15_000) {
      console.error(`An app process failed while starting (${signal ?? `exit ${code}`}); stopping.`);
      process.exit(1);
    }
    console.error(`App process ${worker.process.pid} exited (${signal ?? `exit ${code}`}); starting another.`);
    fork();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
      process.exit(0);
    });
  }
} else {
  const app = next({ dev: false, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  createServer((request, response) => handle(request, response)).listen(port, () => {
    if (cluster.isPrimary || cluster.worker?.id === 1) console.log(`Ready on port ${port} with ${processes} process${processes === 1 ? "" : "es"}.`);
  });
}
