// Runs the browser scenarios and prints one PASS/FAIL line each.
//
//   node src/run-scenarios.mjs --other-tier node|rust [--only name[,name...]] [--list]
//
// Tier B ("the other tier") is a second Node instance with --other-tier node, or the binary
// in $RUST_TIER_BIN with --other-tier rust. Exit status 0 only if every scenario passed.
import { describePage, launchBrowser } from './browser.mjs';
import { SCENARIOS, startAttackerSite } from './scenarios.mjs';
import { startStack } from './stack.mjs';
import { killAllTiers, startTier } from './tiers.mjs';

const SCENARIO_TIMEOUT_MS = 120000;

function parseArgs(argv) {
  const opts = { other: null, only: null, list: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--other-tier') opts.other = value();
    else if (arg.startsWith('--other-tier=')) opts.other = arg.slice('--other-tier='.length);
    else if (arg === '--only') opts.only = value().split(',');
    else if (arg.startsWith('--only=')) opts.only = arg.slice('--only='.length).split(',');
    else if (arg === '--list') opts.list = true;
    else usage(`unknown argument ${arg}`);
  }
  if (opts.other === null) opts.other = process.env.RUST_TIER_BIN ? 'rust' : null;
  return opts;
}

function usage(problem) {
  console.error(`${problem}\nusage: run-scenarios.mjs --other-tier node|rust [--only name[,name]] [--list]`);
  console.error(`scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
if (opts.list) {
  for (const s of SCENARIOS) console.log(`${s.name.padEnd(12)} ${s.title}`);
  process.exit(0);
}
if (opts.other !== 'node' && opts.other !== 'rust') {
  usage(
    opts.other === null
      ? 'No other tier: set RUST_TIER_BIN to the Rust tier binary, or pass --other-tier node to run Node against Node.'
      : `--other-tier must be node or rust, not ${opts.other}`,
  );
}
if (opts.other === 'rust' && !process.env.RUST_TIER_BIN) usage('--other-tier rust needs RUST_TIER_BIN (path to the Rust tier binary)');
// Scenarios about the Rust local stack itself need the Rust tier.
const selected = (opts.only ? SCENARIOS.filter((s) => opts.only.includes(s.name)) : SCENARIOS).filter(
  (s) => !s.rustOnly || opts.other === 'rust',
);
const unknown = (opts.only ?? []).filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length) usage(`unknown scenario(s): ${unknown.join(', ')}`);

// Whatever happens, no server outlives this process.
const cleanups = new Set();
process.on('exit', killAllTiers);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, async () => {
    console.error(`\n${signal}: stopping every server`);
    await Promise.allSettled([...cleanups].map((c) => c()));
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

console.log(`interop scenarios: tier A = Node, tier B = ${opts.other === 'rust' ? `rust (${process.env.RUST_TIER_BIN})` : 'a second Node instance'}`);
const started = Date.now();
const browser = await launchBrowser();
cleanups.add(() => browser.close());
let passed = 0;
let failed = 0;

for (const scenario of selected) {
  const t0 = Date.now();
  const stacks = [];
  const pages = [];
  const closers = [];
  let step = '(setup)';
  const t = {
    other: opts.other,
    async stack({ app, https = false, other = opts.other, otherEnv = {} }) {
      const stack = await startStack({ app, https, other: other ?? undefined, otherEnv });
      stacks.push(stack);
      closers.push(() => stack.close());
      return stack;
    },
    async newPage() {
      const context = await browser.newContext({ ignoreHTTPSErrors: true });
      context.setDefaultTimeout(15000);
      closers.push(() => context.close());
      const page = await context.newPage();
      pages.push(page);
      return page;
    },
    /** The Rust local stack started as the README's run command starts it (plus `env`). */
    async localStack(env = {}) {
      const tier = await startTier('rust', { standalone: true, env, label: 'local stack (embedded issuer)' });
      closers.push(() => tier.stop());
      return tier;
    },
    async attackerSite(html) {
      const site = await startAttackerSite(html);
      closers.push(() => site.close());
      return site.url;
    },
    step(text) {
      step = text;
    },
  };
  const cleanup = async () => {
    await Promise.allSettled(closers.reverse().map((c) => c()));
    closers.length = 0;
  };
  cleanups.add(cleanup);
  let error = null;
  let timer;
  try {
    await Promise.race([
      scenario.run(t),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${SCENARIO_TIMEOUT_MS / 1000}s`)), SCENARIO_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    error = err;
  } finally {
    clearTimeout(timer);
  }
  const diagnostics = error ? await diagnose(stacks, pages) : [];
  await cleanup();
  cleanups.delete(cleanup);
  const took = `${((Date.now() - t0) / 1000).toFixed(1)}s`;
  if (!error) {
    passed++;
    console.log(`PASS  ${scenario.name.padEnd(12)} ${took.padStart(6)}  ${scenario.title}`);
  } else {
    failed++;
    console.log(`FAIL  ${scenario.name.padEnd(12)} ${took.padStart(6)}  ${scenario.title}`);
    console.log(`      step: ${step}`);
    console.log(`      ${(error.stack ?? String(error)).split('\n').slice(0, 6).join('\n      ')}`);
    for (const line of diagnostics) console.log(`      ${line}`);
  }
}

await browser.close();
cleanups.clear();
console.log(`\n${passed} passed, ${failed} failed`);
console.log(`scenarios took ${((Date.now() - started) / 1000).toFixed(1)}s`);
process.exit(failed ? 1 : 0);

/** Where every page is, what it shows, its cookies, and the tail of every server's log. */
async function diagnose(stacks, pages) {
  if (!stacks.length && !pages.length) return [];
  const lines = ['--- diagnostics ---'];
  for (const page of pages) lines.push(...(await describePage(page)));
  for (const stack of stacks) {
    lines.push(`stack ${stack.app} at ${stack.origin} (upstream now ${stack.current})`);
    lines.push('  last /api requests through the stand-in:');
    for (const e of stack.cf.log.slice(-12)) {
      const tier = Object.entries(stack.tiers).find(([, tr]) => tr.url === e.upstream)?.[0] ?? e.upstream;
      lines.push(`    ${e.method} ${e.path} -> ${tier} ${e.status} sent[${e.cookieNames.join(' ')}] set[${(e.setCookies ?? []).join(' ')}]${e.error ? ` ${e.error}` : ''}`);
    }
    lines.push('  last IdP requests:');
    for (const r of stack.idp.requests.slice(-8)) lines.push(`    ${r.method} ${r.path} ${r.status} ${r.authorization}`);
    for (const [name, tier] of Object.entries(stack.tiers)) {
      lines.push(`  log of tier ${tier.label}:`);
      for (const l of tier.logTail(15)) lines.push(`    ${l}`);
    }
  }
  return lines;
}
