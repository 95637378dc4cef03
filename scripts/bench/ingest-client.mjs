// The collector side of the ingestion benchmark, run as its own process: builds batches of 10,000
// samples, posts them over keep-alive HTTP with a few requests in flight, prints one JSON line.
import { Agent, request } from "node:http";
import { PER_BATCH, sampleAt } from "./rows.mjs";

const [url, token, metersArg, batchesArg, concurrencyArg, startArg] = process.argv.slice(2);
const meters = metersArg.split(",");
const batches = Number(batchesArg);
const concurrency = Number(concurrencyArg);
const start = Date.parse(startArg);

function batch(b) {
  return JSON.stringify({ samples: Array.from({ length: PER_BATCH }, (_, i) => sampleAt(b * PER_BATCH + i, meters, start)) });
}

const bodies = Array.from({ length: batches }, (_, b) => Buffer.from(batch(b)));
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);

function post(body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Content-Length": body.length } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
          else resolve(JSON.parse(Buffer.concat(chunks).toString()));
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

// One warm-up batch outside the measurement (JIT, connection pool).
await post(Buffer.from(JSON.stringify({ samples: [] })));
let next = 0;
let accepted = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const result = await post(body);
      accepted += result.accepted;
    }
  }),
);
const seconds = (performance.now() - t0) / 1000;
agent.destroy();
console.log(JSON.stringify({ samples: batches * PER_BATCH, accepted, seconds }));
