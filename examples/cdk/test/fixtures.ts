import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

import { NextAuthRustStack } from '../lib/nextauth-rust-stack';

export interface AssetDirs {
  readonly root: string;
  readonly staticExportDir: string;
  readonly lambdaAssetDir: string;
}

/** A dummy static export and a dummy `bootstrap`, so that no test needs a Next.js or Rust build. */
export function makeAssetDirs(): AssetDirs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nextauth-rust-cdk-'));
  const staticExportDir = path.join(root, 'out');
  const lambdaAssetDir = path.join(root, 'lambda');
  fs.mkdirSync(staticExportDir);
  fs.mkdirSync(lambdaAssetDir);
  fs.writeFileSync(path.join(staticExportDir, 'index.html'), '<!doctype html><title>test</title>\n');
  fs.writeFileSync(path.join(lambdaAssetDir, 'bootstrap'), '#!/bin/sh\necho not a real function\n', {
    mode: 0o755,
  });
  return { root, staticExportDir, lambdaAssetDir };
}

export function removeAssetDirs(dirs: AssetDirs): void {
  fs.rmSync(dirs.root, { recursive: true, force: true });
}

/** The context of cdk.json (feature flags included), as `cdk synth` would see it. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8'));
  return cdkJson.context ?? {};
}

/** Builds the stack as `cdk synth -c KEY=VALUE ...` would, with cdk.json's context underneath. */
export function buildStack(context: Record<string, unknown>): { app: App; stack: NextAuthRustStack } {
  const app = new App({ context: { ...cdkJsonContext(), ...context } });
  const stack = new NextAuthRustStack(app, 'TestStack');
  return { app, stack };
}

export interface Synthesized {
  readonly template: Template;
  /** Directory of the cloud assembly (staged assets live there as `asset.<hash>`). */
  readonly assemblyDir: string;
}

export function synthesize(dirs: AssetDirs): Synthesized {
  const { app, stack } = buildStack({
    staticExportDir: dirs.staticExportDir,
    lambdaAssetDir: dirs.lambdaAssetDir,
  });
  const template = Template.fromStack(stack);
  return { template, assemblyDir: app.synth().directory };
}
