// Starts a dynamic tier: the process that answers /api/* behind the CloudFront stand-in.
//
//   node-v4 / node-v5   the built Next.js standalone server of app-v4 / app-v5
//   rust                the command in $RUST_TIER_BIN (the Rust port), told the wire format
//                       through NEXTAUTH_WIRE_FORMAT=v4|v5
//
// Every tier gets the same environment (see README, "Contract for the Rust tier") and is
// ready once GET /api/auth/providers answers 200.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, LineBuffer, sleep } from './util.mjs';

const APPS = {
  'node-v4': { dir: '../../app-v4/', wire: 'v4' },
  'node-v5': { dir: '../../app-v5/', wire: 'v5' },
};
/** Where `next build` (OUTPUT=standalone) leaves the server; see the apps' next.config.mjs. */
export const STANDALONE_SERVER = '.next-standalone/standalone/server.js';

const running = new Set();

/**
 * @param {'node-v4'|'node-v5'|'rust'} kind
 * @param {object} opts
 * @param {string} opts.publicUrl     the stand-in's origin, given as NEXTAUTH_URL
 * @param {string} opts.secret
 * @param {string} opts.issuer
 * @param {string} opts.clientId
 * @param {string} opts.clientSecret
 * @param {'v4'|'v5'} [opts.wireFormat]  required for rust; must match the app for node-*
 * @param {string} [opts.label]       name used in logs
 * @param {number} [opts.readyTimeoutMs]
 * @param {boolean} [opts.standalone] rust only: no IdP or NEXTAUTH_* settings at all, as the
 *                                    README's run command starts the local stack (it then runs
 *                                    its embedded issuer)
 * @param {Record<string, string>} [opts.env] extra variables
 */
export async function startTier(kind, opts) {
  const port = await freePort();
  const label = opts.label ?? kind;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    HOSTNAME: '127.0.0.1',
    PORT: String(port),
    ...(opts.standalone
      ? {}
      : {
          NEXTAUTH_URL: opts.publicUrl,
          NEXTAUTH_SECRET: opts.secret,
          COGNITO_ISSUER: opts.issuer,
          COGNITO_CLIENT_ID: opts.clientId,
          COGNITO_CLIENT_SECRET: opts.clientSecret,
        }),
    ...(opts.env ?? {}),
  };
  let command;
  let args;
  if (kind === 'rust') {
    if (!opts.standalone && opts.wireFormat !== 'v4' && opts.wireFormat !== 'v5') throw new Error('rust tier: wireFormat must be v4 or v5');
    const bin = process.env.RUST_TIER_BIN;
    if (!bin) throw new Error('rust tier: set RUST_TIER_BIN to the path of the Rust tier binary');
    if (!existsSync(bin)) throw new Error(`rust tier: RUST_TIER_BIN=${bin} does not exist`);
    command = bin;
    args = [];
    if (opts.wireFormat) env.NEXTAUTH_WIRE_FORMAT = opts.wireFormat;
    if (process.env.RUST_LOG) env.RUST_LOG = process.env.RUST_LOG;
  } else if (APPS[kind]) {
    if (opts.wireFormat && opts.wireFormat !== APPS[kind].wire) {
      throw new Error(`${kind} speaks ${APPS[kind].wire}, not ${opts.wireFormat}`);
    }
    const appDir = fileURLToPath(new URL(APPS[kind].dir, import.meta.url));
    const server = appDir + STANDALONE_SERVER;
    if (!existsSync(server)) throw new Error(`${kind}: ${server} is missing; build the app (run.sh does)`);
    command = process.execPath;
    args = [server];
    env.NEXTAUTH_WIRE_FORMAT = APPS[kind].wire;
  } else {
    throw new Error(`unknown tier kind "${kind}" (node-v4, node-v5 or rust)`);
  }

  const output = new LineBuffer(300);
  // Own process group, so stop() also ends anything the tier command started.
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { error: err.message };
      running.delete(child);
      resolve(exited);
    });
  });
  running.add(child);
  const echo = process.env.INTEROP_VERBOSE ? (chunk) => process.stderr.write(`[${label}] ${chunk}`) : () => {};
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      output.write(chunk);
      echo(chunk);
    });
  }

  const url = `http://127.0.0.1:${port}`;
  const tier = {
    kind,
    label,
    url,
    port,
    pid: child.pid,
    logTail: (n) => output.tail(n),
    async stop() {
      if (exited) return;
      killGroup(child, 'SIGTERM');
      const done = await Promise.race([exitPromise, sleep(3000).then(() => null)]);
      if (!done) {
        killGroup(child, 'SIGKILL');
        await exitPromise;
      }
    },
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30000);
  for (;;) {
    if (exited) {
      throw new Error(`${label} exited before it was ready (${JSON.stringify(exited)}):\n  ${output.tail(20).join('\n  ')}`);
    }
    const status = await fetch(`${url}/api/auth/providers`).then((r) => r.status, () => 0);
    if (status === 200) return tier;
    if (Date.now() > deadline) {
      await tier.stop();
      throw new Error(`${label} not ready: GET /api/auth/providers gave ${status || 'no answer'}:\n  ${output.tail(20).join('\n  ')}`);
    }
    await sleep(100);
  }
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Last resort (process exit): kill every tier still running. Synchronous. */
export function killAllTiers() {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
}
