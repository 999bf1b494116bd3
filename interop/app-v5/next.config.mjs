// One source tree, two builds, as in the real deployment:
//   OUTPUT=export      -> static pages in out/ (served by CloudFront/S3)
//   OUTPUT=standalone  -> .next/standalone/server.js, which serves /api/* (next-auth)
//
// `next build` refuses API routes (and dynamic route handlers) when `output: "export"`.
// The rule that keeps them out of the export build: pages are `.tsx`; API routes
// (pages/api/) and App Router route handlers (app/, here only the next-auth v5 handler) are
// `.ts`; the export build only knows the `.tsx` extension. checkPageExtensions() makes sure
// nobody breaks that rule silently.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const output = process.env.OUTPUT ?? 'standalone';
if (output !== 'export' && output !== 'standalone') {
  throw new Error(`OUTPUT must be "export" or "standalone", got "${output}"`);
}
const isExport = output === 'export';
const here = import.meta.dirname;

function checkPageExtensions(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(here, path);
    const serverOnly = rel.startsWith('pages/api/') || rel.startsWith('app/');
    if (entry.isDirectory()) {
      checkPageExtensions(path);
    } else if (serverOnly && !entry.name.endsWith('.ts')) {
      throw new Error(`${rel}: API routes and route handlers must be .ts (the export build skips only .ts)`);
    } else if (!serverOnly && entry.name.endsWith('.ts')) {
      throw new Error(`${rel}: pages must be .tsx files (the export build sees only .tsx)`);
    }
  }
}
checkPageExtensions(join(here, 'pages'));
checkPageExtensions(join(here, 'app'));

/** @type {import('next').NextConfig} */
export default {
  output,
  // Separate build folders, so rebuilding one mode never wipes the other's output. An export
  // build always works in .next (and wipes it); the exported site goes to out/. So the
  // standalone server lives in .next-standalone/standalone/server.js, out of its way.
  distDir: isExport ? undefined : '.next-standalone',
  pageExtensions: isExport ? ['tsx'] : ['tsx', 'ts'],
  // Static export: /x -> /x/index.html. Not for the API server: next-auth's routes must
  // not be redirected to a trailing-slash variant.
  trailingSlash: isExport,
  // Keep the standalone server at .next/standalone/server.js whatever lock files sit above.
  outputFileTracingRoot: here,
  reactStrictMode: true,
  poweredByHeader: false,
  // Pages Router API routes load node_modules unbundled, and next-auth 5's ESM build imports
  // "next/server" without an extension, which Node's ESM resolver refuses (whoami failed with
  // "Cannot find module .../next/server"). Bundling next-auth resolves it the way the App
  // Router route handler does.
  transpilePackages: ['next-auth'],
  eslint: { ignoreDuringBuilds: true },
};
