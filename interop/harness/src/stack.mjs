// One scenario's world: IdP + CloudFront stand-in + tier A (Node) + tier B (the "other" tier).
import { fileURLToPath } from 'node:url';
import { startCloudFront } from './cloudfront.mjs';
import { startIdp } from './idp.mjs';
import { startTier } from './tiers.mjs';

// Fixture values, public on purpose.
export const SECRET = 'interop-public-secret-0123456789';
export const CLIENT_ID = 'interop-client';
export const CLIENT_SECRET = 'interop-client-secret-0123456789';

/**
 * @param {object} opts
 * @param {'v4'|'v5'} opts.app        which fixture app (static export + Node tier) to use
 * @param {'node'|'rust'} [opts.other] what tier B is; omit for a stack with tier A only
 * @param {boolean} [opts.https]      serve the stand-in over https (self-signed)
 * @param {Record<string, string>} [opts.otherEnv] extra variables for tier B
 */
export async function startStack({ app, other, https = false, otherEnv = {} }) {
  const closers = [];
  const stack = {
    app,
    https,
    tiers: {},
    /** Points /api/* at tier "A" or "B". */
    use(name) {
      const tier = stack.tiers[name];
      if (!tier) throw new Error(`no tier ${name} in this stack`);
      stack.cf.setUpstream(tier.url);
      stack.current = name;
    },
    async close() {
      const results = await Promise.allSettled(closers.reverse().map((close) => close()));
      closers.length = 0;
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
  try {
    const root = fileURLToPath(new URL(`../../app-${app}/out/`, import.meta.url));
    stack.cf = await startCloudFront({ root, https });
    closers.push(() => stack.cf.close());
    stack.origin = stack.cf.origin;
    stack.idp = await startIdp({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [`${stack.origin}/api/auth/callback/cognito`],
      // The home page (the baseline scenario's own /logout call) and the one sign-out URL the
      // Rust tier sends with hosted-UI logout on. Compared exactly, as Cognito does.
      logoutUris: [`${stack.origin}/`, `${stack.origin}/api/auth/signout/cognito`],
    });
    closers.push(() => stack.idp.close());

    const common = {
      publicUrl: stack.origin,
      secret: SECRET,
      issuer: stack.idp.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      wireFormat: app,
    };
    const starts = [['A', `node-${app}`, `A (node-${app})`]];
    if (other === 'node') starts.push(['B', `node-${app}`, `B (node-${app}, 2nd instance)`]);
    else if (other === 'rust') starts.push(['B', 'rust', `B (rust, wire ${app})`]);
    else if (other !== undefined) throw new Error(`unknown other tier "${other}"`);
    const started = await Promise.allSettled(
      starts.map(async ([name, kind, label]) => {
        const env = name === 'B' ? otherEnv : {};
        const tier = await startTier(kind, { ...common, label, env });
        stack.tiers[name] = tier;
        closers.push(() => tier.stop());
      }),
    );
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    stack.use('A');
    return stack;
  } catch (err) {
    await stack.close().catch(() => {});
    throw err;
  }
}
