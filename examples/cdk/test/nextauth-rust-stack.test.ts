import * as fs from 'node:fs';
import * as path from 'node:path';

import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';

import { PARAM, staticRewriteCode } from '../lib/nextauth-rust-stack';
import { type AssetDirs, buildStack, makeAssetDirs, removeAssetDirs, synthesize } from './fixtures';

// The managed policies as aws-cdk-lib exposes them: nothing here guesses an id.
const CACHING_DISABLED = cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId;
const CACHING_OPTIMIZED = cloudfront.CachePolicy.CACHING_OPTIMIZED.cachePolicyId;
const ALL_VIEWER_EXCEPT_HOST_HEADER =
  cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId;

type Json = any;

let dirs: AssetDirs;
let template: Template;
let assemblyDir: string;

beforeAll(() => {
  dirs = makeAssetDirs();
  ({ template, assemblyDir } = synthesize(dirs));
});

afterAll(() => {
  if (dirs) removeAssetDirs(dirs);
});

function onlyResource(type: string): { id: string; resource: Json } {
  const found = template.findResources(type);
  const ids = Object.keys(found);
  expect(ids).toHaveLength(1);
  return { id: ids[0], resource: found[ids[0]] };
}

function distributionConfig(): Json {
  return onlyResource('AWS::CloudFront::Distribution').resource.Properties.DistributionConfig;
}

function apiBehavior(): Json {
  const behaviors: Json[] = distributionConfig().CacheBehaviors;
  const api = behaviors.filter((b) => b.PathPattern === '/api/*');
  expect(api).toHaveLength(1);
  return api[0];
}

function originById(id: string): Json {
  const origins: Json[] = distributionConfig().Origins;
  const origin = origins.find((o) => o.Id === id);
  expect(origin).toBeDefined();
  return origin;
}

function apiFunction(): Json {
  const found = template.findResources('AWS::Lambda::Function', {
    Properties: { Handler: 'bootstrap' },
  });
  const ids = Object.keys(found);
  expect(ids).toHaveLength(1);
  return found[ids[0]];
}

describe('static site bucket', () => {
  test('blocks all public access, has no website hosting, encrypts', () => {
    const { resource } = onlyResource('AWS::S3::Bucket');
    expect(resource.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(resource.Properties.WebsiteConfiguration).toBeUndefined();
    expect(resource.Properties.BucketEncryption).toBeDefined();
  });

  test('policy denies plain HTTP and lets only this distribution read', () => {
    const { id: bucketId } = onlyResource('AWS::S3::Bucket');
    const { id: distributionId } = onlyResource('AWS::CloudFront::Distribution');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    const policy = onlyResource('AWS::S3::BucketPolicy').resource.Properties;
    expect(policy.Bucket).toEqual({ Ref: bucketId });
    const cloudFrontRead = policy.PolicyDocument.Statement.find(
      (s: Json) => s.Principal?.Service === 'cloudfront.amazonaws.com',
    );
    // The SourceArn condition names this stack's distribution.
    expect(JSON.stringify(cloudFrontRead.Condition)).toContain(`{"Ref":"${distributionId}"}`);
    // No statement opens the bucket to everyone.
    for (const s of policy.PolicyDocument.Statement) {
      if (s.Effect === 'Allow') expect(s.Principal).not.toEqual({ AWS: '*' });
    }
  });

  test('the static export is deployed from staticExportDir and invalidated', () => {
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: onlyResource('AWS::S3::Bucket').id },
      DistributionId: { Ref: onlyResource('AWS::CloudFront::Distribution').id },
      DistributionPaths: ['/*'],
    });
    // The staged asset is the directory passed as context.
    const staged = stagedAssetDirs().filter((d) => fs.existsSync(path.join(d, 'index.html')));
    expect(staged).toHaveLength(1);
    expect(fs.readFileSync(path.join(staged[0], 'index.html'), 'utf8')).toBe(
      fs.readFileSync(path.join(dirs.staticExportDir, 'index.html'), 'utf8'),
    );
  });
});

describe('CloudFront distribution', () => {
  test('default behaviour: S3 through Origin Access Control, https, CachingOptimized', () => {
    const { id: oacId, resource: oac } = onlyResource('AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });

    const config = distributionConfig();
    const defaultBehavior = config.DefaultCacheBehavior;
    expect(defaultBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(defaultBehavior.CachePolicyId).toBe(CACHING_OPTIMIZED);

    const s3Origin = originById(defaultBehavior.TargetOriginId);
    expect(s3Origin.DomainName).toEqual({
      'Fn::GetAtt': [onlyResource('AWS::S3::Bucket').id, 'RegionalDomainName'],
    });
    expect(s3Origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    // OAC, not a legacy Origin Access Identity.
    expect(s3Origin.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(template.findResources('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual({});
    expect(config.DefaultRootObject).toBe('index.html');
  });

  test('default behaviour rewrites extensionless paths with a CloudFront Function', () => {
    const { id: fnId, resource: fn } = onlyResource('AWS::CloudFront::Function');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    // trailingSlash defaults to true, like the interop app's export build.
    expect(fn.Properties.FunctionCode).toBe(staticRewriteCode(true));
    expect(fn.Properties.FunctionCode).toMatch(/^var TRAILING_SLASH = true;\n/);
    expect(distributionConfig().DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fnId, 'FunctionARN'] } },
    ]);
  });

  test('/api/* behaviour: managed CachingDisabled and AllViewerExceptHostHeader, all methods', () => {
    const behavior = apiBehavior();
    expect(behavior.CachePolicyId).toBe(CACHING_DISABLED);
    expect(behavior.OriginRequestPolicyId).toBe(ALL_VIEWER_EXCEPT_HOST_HEADER);
    expect([...behavior.AllowedMethods].sort()).toEqual(
      ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].sort(),
    );
    expect(behavior.ViewerProtocolPolicy).toMatch(/^(redirect-to-https|https-only)$/);
    // No legacy cache settings that could bring caching or forwarding back.
    for (const legacy of ['ForwardedValues', 'DefaultTTL', 'MinTTL', 'MaxTTL']) {
      expect(behavior[legacy]).toBeUndefined();
    }
    // The S3 rewrite must not touch API paths.
    expect(behavior.FunctionAssociations).toBeUndefined();
    expect(behavior.LambdaFunctionAssociations).toBeUndefined();
  });

  test('the managed policy ids are distinct, well-formed ids', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const id of [CACHING_DISABLED, CACHING_OPTIMIZED, ALL_VIEWER_EXCEPT_HOST_HEADER]) {
      expect(id).toMatch(uuid);
    }
    expect(new Set([CACHING_DISABLED, CACHING_OPTIMIZED, ALL_VIEWER_EXCEPT_HOST_HEADER]).size).toBe(3);
    // None of them is a policy of this stack.
    expect(template.findResources('AWS::CloudFront::CachePolicy')).toEqual({});
    expect(template.findResources('AWS::CloudFront::OriginRequestPolicy')).toEqual({});
  });

  test('/api/* goes over https only to the HTTP API domain', () => {
    const origin = originById(apiBehavior().TargetOriginId);
    expect(origin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(origin.S3OriginConfig).toBeUndefined();
    const { id: apiId } = onlyResource('AWS::ApiGatewayV2::Api');
    expect(origin.DomainName).toEqual({
      'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }] }],
    });
    // No custom header that would carry a viewer Host or a secret to the origin.
    expect(origin.OriginCustomHeaders).toBeUndefined();
  });

  test('no distribution-wide error pages that would rewrite API errors', () => {
    expect(distributionConfig().CustomErrorResponses).toBeUndefined();
  });
});

describe('HTTP API', () => {
  test('ANY /api/{proxy+} is a Lambda proxy integration, payload format 2.0', () => {
    const { id: apiId, resource: api } = onlyResource('AWS::ApiGatewayV2::Api');
    expect(api.Properties.ProtocolType).toBe('HTTP');

    const { id: integrationId, resource: integration } = onlyResource('AWS::ApiGatewayV2::Integration');
    expect(integration.Properties).toMatchObject({
      ApiId: { Ref: apiId },
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    const fnId = Object.keys(template.findResources('AWS::Lambda::Function', {
      Properties: { Handler: 'bootstrap' },
    }))[0];
    expect(integration.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });

    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      ApiId: { Ref: apiId },
      RouteKey: 'ANY /api/{proxy+}',
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      StageName: '$default',
      AutoDeploy: true,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });
});

describe('Rust function', () => {
  test('provided.al2023 on arm64, handler bootstrap, small and short', () => {
    const fn = apiFunction();
    expect(fn.Properties.Runtime).toBe('provided.al2023');
    expect(fn.Properties.Architectures).toEqual(['arm64']);
    expect(fn.Properties.Handler).toBe('bootstrap');
    expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(128);
    expect(fn.Properties.MemorySize).toBeLessThanOrEqual(256);
    expect(fn.Properties.Timeout).toBeLessThan(30);
  });

  test('logs go to a log group with a retention', () => {
    const fn = apiFunction();
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
    const logGroup = template.toJSON().Resources[logGroupId];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  test('code is the bootstrap from lambdaAssetDir', () => {
    const withBootstrap = stagedAssetDirs().filter((d) => fs.existsSync(path.join(d, 'bootstrap')));
    expect(withBootstrap).toHaveLength(1);
    const staged = path.join(withBootstrap[0], 'bootstrap');
    expect(fs.readFileSync(staged)).toEqual(fs.readFileSync(path.join(dirs.lambdaAssetDir, 'bootstrap')));
    expect(fs.statSync(staged).mode & 0o111).not.toBe(0);
    expect(apiFunction().Properties.Code.S3Key).toBe(`${path.basename(withBootstrap[0]).slice('asset.'.length)}.zip`);
  });

  test('every variable comes from a parameter, NEXTAUTH_URL falls back to the distribution', () => {
    const env = apiFunction().Properties.Environment.Variables;
    expect(env).toEqual({
      NEXTAUTH_SECRET: { Ref: PARAM.nextAuthSecret },
      COGNITO_ISSUER: { Ref: PARAM.cognitoIssuer },
      COGNITO_CLIENT_ID: { Ref: PARAM.cognitoClientId },
      COGNITO_CLIENT_SECRET: { Ref: PARAM.cognitoClientSecret },
      NEXTAUTH_WIRE_FORMAT: { Ref: PARAM.wireFormat },
      RUST_LOG: { Ref: PARAM.rustLog },
      NEXTAUTH_URL: {
        'Fn::If': [
          'NextAuthUrlIsEmpty',
          {
            'Fn::Join': [
              '',
              ['https://', { 'Fn::GetAtt': [onlyResource('AWS::CloudFront::Distribution').id, 'DomainName'] }],
            ],
          },
          { Ref: PARAM.nextAuthUrl },
        ],
      },
    });
    expect(template.toJSON().Conditions.NextAuthUrlIsEmpty).toEqual({
      'Fn::Equals': [{ Ref: PARAM.nextAuthUrl }, ''],
    });
  });
});

describe('parameters', () => {
  test('secrets are NoEcho without a default; the rest are plain', () => {
    const params = template.toJSON().Parameters;
    for (const secret of [PARAM.nextAuthSecret, PARAM.cognitoClientSecret]) {
      expect(params[secret]).toMatchObject({ Type: 'String', NoEcho: true });
      expect(params[secret].Default).toBeUndefined();
    }
    for (const plain of [PARAM.nextAuthUrl, PARAM.cognitoIssuer, PARAM.cognitoClientId, PARAM.wireFormat, PARAM.rustLog]) {
      expect(params[plain]).toBeDefined();
      expect(params[plain].NoEcho).toBeUndefined();
    }
    expect(params[PARAM.nextAuthSecret].MinLength).toBeGreaterThanOrEqual(32);
  });

  test('NEXTAUTH_WIRE_FORMAT is v4 or v5, v4 by default', () => {
    template.hasParameter(PARAM.wireFormat, { AllowedValues: ['v4', 'v5'], Default: 'v4' });
  });

  test('NEXTAUTH_URL is empty by default, else an https URL without trailing slash', () => {
    const param = template.toJSON().Parameters[PARAM.nextAuthUrl];
    expect(param.Default).toBe('');
    const pattern = new RegExp(param.AllowedPattern);
    for (const ok of ['', 'https://auth.example.com', 'https://d111111abcdef8.cloudfront.net']) {
      expect(pattern.test(ok)).toBe(true);
    }
    for (const bad of ['http://auth.example.com', 'https://auth.example.com/', 'auth.example.com', 'https://']) {
      expect(pattern.test(bad)).toBe(false);
    }
  });

  test('no function variable has a literal value', () => {
    const env = apiFunction().Properties.Environment.Variables;
    for (const value of Object.values(env)) {
      expect(typeof value).toBe('object');
    }
  });
});

describe('outputs', () => {
  test('distribution domain, API endpoint and bucket name', () => {
    template.hasOutput('DistributionDomainName', {
      Value: { 'Fn::GetAtt': [onlyResource('AWS::CloudFront::Distribution').id, 'DomainName'] },
    });
    template.hasOutput('ApiEndpoint', {
      Value: { 'Fn::GetAtt': [onlyResource('AWS::ApiGatewayV2::Api').id, 'ApiEndpoint'] },
    });
    template.hasOutput('BucketName', { Value: { Ref: onlyResource('AWS::S3::Bucket').id } });
    template.hasOutput('CognitoCallbackUrl', {});
  });
});

describe('template as a whole', () => {
  test('has no dependency cycle (the NEXTAUTH_URL fallback must not create one)', () => {
    const resources: Record<string, Json> = template.toJSON().Resources;
    const edges = new Map<string, Set<string>>();
    for (const [id, resource] of Object.entries(resources)) {
      const deps = new Set<string>();
      collectRefs({ ...resource, DependsOn: undefined }, deps);
      for (const d of [resource.DependsOn ?? []].flat()) deps.add(d);
      edges.set(id, new Set([...deps].filter((d) => d in resources)));
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, trail: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') throw new Error(`cycle: ${[...trail, id].join(' -> ')}`);
      state.set(id, 'visiting');
      for (const d of edges.get(id) ?? []) visit(d, [...trail, id]);
      state.set(id, 'done');
    };
    for (const id of edges.keys()) visit(id, []);
  });

  test('is environment-agnostic and holds no account id', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/\b\d{12}\b/);
  });
});

describe('asset directories', () => {
  test('a missing bootstrap is a synth-time error that says how to build it', () => {
    const empty = fs.mkdtempSync(path.join(dirs.root, 'empty-'));
    expect(() => buildStack({ staticExportDir: dirs.staticExportDir, lambdaAssetDir: empty })).toThrow(
      /no bootstrap file.*cargo lambda build/,
    );
  });

  test('a bootstrap that is not executable is a synth-time error', () => {
    const notExec = fs.mkdtempSync(path.join(dirs.root, 'noexec-'));
    fs.writeFileSync(path.join(notExec, 'bootstrap'), 'x', { mode: 0o644 });
    if (process.platform !== 'win32') {
      expect(() => buildStack({ staticExportDir: dirs.staticExportDir, lambdaAssetDir: notExec })).toThrow(
        /not executable/,
      );
    }
  });

  test('trailingSlash from context selects the rewrite; other values are refused', () => {
    const base = { staticExportDir: dirs.staticExportDir, lambdaAssetDir: dirs.lambdaAssetDir };
    const { stack } = buildStack({ ...base, trailingSlash: 'false' });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: staticRewriteCode(false),
    });
    expect(() => buildStack({ ...base, trailingSlash: 'yes' })).toThrow(/trailingSlash must be true or false/);
  });

  test('a static export without index.html is a synth-time error', () => {
    const empty = fs.mkdtempSync(path.join(dirs.root, 'empty-'));
    expect(() => buildStack({ staticExportDir: empty, lambdaAssetDir: dirs.lambdaAssetDir })).toThrow(
      /no index\.html.*output: 'export'/,
    );
  });
});

/** The staged copies of directory assets in the cloud assembly. */
function stagedAssetDirs(): string[] {
  return fs
    .readdirSync(assemblyDir)
    .filter((name) => name.startsWith('asset.'))
    .map((name) => path.join(assemblyDir, name))
    .filter((p) => fs.statSync(p).isDirectory());
}

/** Every logical id that an intrinsic (Ref, Fn::GetAtt, Fn::Sub) in `value` points at. */
function collectRefs(value: Json, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        for (const m of String(text).matchAll(/\$\{([^}!.]+)[^}]*\}/g)) into.add(m[1]);
        if (Array.isArray(v)) collectRefs(v[1], into);
      } else collectRefs(v, into);
    }
  }
}
