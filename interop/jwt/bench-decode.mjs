#!/usr/bin/env node
// Times the real packages' decode() on the tokens the Rust criterion bench wrote
// (target/bench-tokens.json), one decode at a time on one core, as a server does per request.
// Usage: node bench-decode.mjs <bench-tokens.json> [seconds-per-token]
// Prints JSON: { "<id>": { "ns_per_decode": N, "iterations": K } }.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const v4 = require("next-auth/jwt");
const v5 = await import("@auth/core/jwt");

const [file, seconds = "2"] = process.argv.slice(2);
const tokens = JSON.parse(readFileSync(file, "utf8"));
const budgetNs = BigInt(Math.round(Number(seconds) * 1e9));

const decoders = {
  v4: (t) => v4.decode({ token: t.token, secret: t.secret }),
  v5: (t) => v5.decode({ token: t.token, secret: t.secret, salt: t.salt }),
};

const results = {};
for (const t of tokens) {
  const decode = decoders[t.format];
  // The tokens were issued at the real time: every decode must succeed.
  const payload = await decode(t);
  if (!payload || typeof payload.sub !== "string") throw new Error(`${t.id}: bad payload`);
  // Warm up the JIT, then measure.
  for (let i = 0; i < 2000; i++) await decode(t);
  let iterations = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < budgetNs) {
    for (let i = 0; i < 200; i++) await decode(t);
    iterations += 200;
    elapsed = process.hrtime.bigint() - start;
  }
  results[t.id] = { ns_per_decode: Number(elapsed) / iterations, iterations };
}
console.log(JSON.stringify(results));
