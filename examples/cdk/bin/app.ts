#!/usr/bin/env node
import { App } from 'aws-cdk-lib';

import { NextAuthRustStack } from '../lib/nextauth-rust-stack';

const app = new App();

// Environment-agnostic on purpose: nothing in the stack needs an account or a region at
// synth time, so `cdk synth` never has to ask AWS. `cdk deploy` uses the ambient profile.
new NextAuthRustStack(app, 'NextAuthRust', {
  description: 'Next.js static export on S3 + CloudFront; next-auth /api/* on a Rust Lambda',
});
