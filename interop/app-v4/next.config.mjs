// One source tree, two builds, as in the real deployment:
//   OUTPUT=export      -> static pages in out/ (served by CloudFront/S3)
//   OUTPUT=standalone  -> .next/standalone/server.js, which serves /api/* (next-auth)
//
// `next build` refuses API routes when `output: "export"`. The rule that keeps them out
// of the export build: pages are `.tsx`, API routes are `.ts`, and the export build only
// knows the `.tsx` extension. checkPageExtensions() makes sure nobody breaks that rule
// silently (a `.tsx` API route would break the export, a `.ts` page would vanish from it).
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
    if (entry.isDirectory()) {
      checkPageExtensions(path);
    } else if (rel.startsWith('pages/api/') && !entry.name.endsWith('.ts')) {
      throw new Error(`${rel}: API routes must be .ts files (the export build skips only .ts)`);
    } else if (!rel.startsWith('pages/api/') && entry.name.endsWith('.ts')) {
      throw new Error(`${rel}: pages must be .tsx files (the export build sees only .tsx)`);
    }
  }
}
checkPageExtensions(join(here, 'pages'));

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
  eslint: { ignoreDuringBuilds: true },
};
