import { Agent, request } from "node:http";
import { percentile } from "./lib";

// An open-loop load generator: requests leave at evenly spaced times whatever the server does,
// and each is timed from when it was due, so queueing shows in the latency (closed-loop tools like
// autocannon wait for answers and hide it). See ../shared/benchmarks.md.

export type Shot = { method: "GET" | "POST"; path: string; headers?: Record<string, string>; body?: string };
export type LoadResult = {
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
  achieved: number;
  /** CPU the generator itself used, as a share of one core. */
  generatorCpu: number;
};

export async function openLoop(options: {
  baseUrl: string;
  rate: number;
  seconds: number;
  next: (i: number) => Shot;
  okStatus?: (status: number) => boolean;
}): Promise<LoadResult> {
  const base = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let ok = 0;
  const okStatus = options.okStatus ?? ((s: number) => s >= 200 && s < 400);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const pending: Promise<void>[] = [];

  const fire = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const shot = options.next(i);
      const body = shot.body ? Buffer.from(shot.body) : undefined;
      const req = request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: shot.method,
          path: shot.path,
          headers: { ...(shot.headers ?? {}), ...(body ? { "content-length": String(body.length) } : {}) },
          timeout: 30_000,
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            latencies.push(performance.now() - due);
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            if (okStatus(res.statusCode ?? 0)) ok++;
            resolve();
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (error) => {
        latencies.push(performance.now() - due);
        statuses[error.message] = (statuses[error.message] ?? 0) + 1;
        resolve();
      });
      if (body) req.write(body);
      req.end();
    });

  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(fire(i, due));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    rate: options.rate,
    seconds: options.seconds,
    sent: total,
    ok,
    errors: total - ok,
    statuses,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: Math.max(...latencies),
    achieved: ok / elapsed,
    generatorCpu: (cpu.user + cpu.system) / 1e6 / elapsed,
  };
}
