import * as fs from 'node:fs';
import * as path from 'node:path';

import {
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';

/** Directory of this CDK app (examples/cdk); relative context paths resolve against it. */
export const APP_DIR = path.resolve(__dirname, '..');

/** Defaults of the two asset directories, relative to {@link APP_DIR}. */
export const DEFAULT_STATIC_EXPORT_DIR = '../../interop/app-v4/out';
export const DEFAULT_LAMBDA_ASSET_DIR = '../../target/lambda/bootstrap';

/** Logical ids of the CloudFormation parameters (what `cdk deploy --parameters NAME=...` takes). */
export const PARAM = {
  nextAuthUrl: 'NextAuthUrl',
  nextAuthSecret: 'NextAuthSecret',
  cognitoIssuer: 'CognitoIssuer',
  cognitoClientId: 'CognitoClientId',
  cognitoClientSecret: 'CognitoClientSecret',
  wireFormat: 'NextAuthWireFormat',
  rustLog: 'RustLog',
} as const;

export interface NextAuthRustStackProps extends StackProps {
  /**
   * Directory holding the Next.js static export (`next build` with `output: 'export'`).
   * @default CDK context `staticExportDir`, else {@link DEFAULT_STATIC_EXPORT_DIR}
   */
  readonly staticExportDir?: string;
  /**
   * Directory holding the `bootstrap` executable (`cargo lambda build --release --arm64`).
   * @default CDK context `lambdaAssetDir`, else {@link DEFAULT_LAMBDA_ASSET_DIR}
   */
  readonly lambdaAssetDir?: string;
  /**
   * The Next.js `trailingSlash` setting the static export was built with: decides whether
   * `/page` is served from `page/index.html` (true) or `page.html` (false).
   * @default CDK context `trailingSlash`, else true
   */
  readonly trailingSlash?: boolean;
}

/**
 * Next.js static export in a private S3 bucket behind CloudFront (Origin Access Control);
 * `/api/*` goes through CloudFront, uncached, to an API Gateway HTTP API whose only route
 * is a Rust Lambda (`provided.al2023`, arm64) that plays next-auth's server side.
 */
export class NextAuthRustStack extends Stack {
  constructor(scope: Construct, id: string, props: NextAuthRustStackProps = {}) {
    super(scope, id, props);

    const staticExportDir = resolveDir(
      props.staticExportDir ?? this.node.tryGetContext('staticExportDir') ?? DEFAULT_STATIC_EXPORT_DIR,
    );
    const lambdaAssetDir = resolveDir(
      props.lambdaAssetDir ?? this.node.tryGetContext('lambdaAssetDir') ?? DEFAULT_LAMBDA_ASSET_DIR,
    );
    const trailingSlash = parseBoolean(
      props.trailingSlash ?? this.node.tryGetContext('trailingSlash') ?? true,
      'trailingSlash',
    );
    checkStaticExportDir(staticExportDir);
    checkLambdaAssetDir(lambdaAssetDir);

    // ---------------------------------------------------------------- parameters
    // Everything the function reads comes from here, so nothing secret is ever in the
    // synthesized template or in cdk.out.
    const nextAuthUrl = new CfnParameter(this, PARAM.nextAuthUrl, {
      type: 'String',
      default: '',
      allowedPattern: '^(https://\\S*[^/\\s])?$',
      constraintDescription: 'empty, or an https:// URL without a trailing slash',
      description:
        'NEXTAUTH_URL: the public https origin of the site (custom domain). ' +
        'Leave empty to use https://<the CloudFront distribution domain>.',
    });
    const nextAuthSecret = new CfnParameter(this, PARAM.nextAuthSecret, {
      type: 'String',
      noEcho: true,
      minLength: 32,
      description: 'NEXTAUTH_SECRET: the key material of the session cookie (e.g. `openssl rand -base64 32`).',
    });
    const cognitoIssuer = new CfnParameter(this, PARAM.cognitoIssuer, {
      type: 'String',
      allowedPattern: '^https://\\S+$',
      constraintDescription: 'an https:// URL',
      description: 'COGNITO_ISSUER: https://cognito-idp.<region>.amazonaws.com/<userPoolId>',
    });
    const cognitoClientId = new CfnParameter(this, PARAM.cognitoClientId, {
      type: 'String',
      minLength: 1,
      description: 'COGNITO_CLIENT_ID: the user pool app client id.',
    });
    const cognitoClientSecret = new CfnParameter(this, PARAM.cognitoClientSecret, {
      type: 'String',
      noEcho: true,
      minLength: 1,
      description: 'COGNITO_CLIENT_SECRET: the user pool app client secret.',
    });
    const wireFormat = new CfnParameter(this, PARAM.wireFormat, {
      type: 'String',
      default: 'v4',
      allowedValues: ['v4', 'v5'],
      description: 'NEXTAUTH_WIRE_FORMAT: cookie names and token format of next-auth v4 or Auth.js v5.',
    });
    const rustLog = new CfnParameter(this, PARAM.rustLog, {
      type: 'String',
      default: 'info',
      description: 'RUST_LOG: log filter of the function.',
    });

    // ---------------------------------------------------------------- static site
    const siteBucket = new s3.Bucket(this, 'SiteBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The bucket holds nothing but build output: tear it down with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    // ---------------------------------------------------------------- the Rust function
    const logGroup = new logs.LogGroup(this, 'ApiFunctionLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const apiFunction = new lambda.Function(this, 'ApiFunction', {
      description: 'next-auth /api/* in Rust',
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture: lambda.Architecture.ARM_64,
      handler: 'bootstrap',
      code: lambda.Code.fromAsset(lambdaAssetDir),
      memorySize: 256,
      // API Gateway gives up at 30 s; an auth round trip to Cognito needs far less.
      timeout: Duration.seconds(10),
      logGroup,
      // NEXTAUTH_URL is set below, once the distribution exists.
      environment: {
        NEXTAUTH_SECRET: nextAuthSecret.valueAsString,
        COGNITO_ISSUER: cognitoIssuer.valueAsString,
        COGNITO_CLIENT_ID: cognitoClientId.valueAsString,
        COGNITO_CLIENT_SECRET: cognitoClientSecret.valueAsString,
        NEXTAUTH_WIRE_FORMAT: wireFormat.valueAsString,
        RUST_LOG: rustLog.valueAsString,
      },
    });

    // ---------------------------------------------------------------- HTTP API
    const httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'next-auth /api/* (reached through CloudFront)',
      createDefaultStage: true,
    });
    httpApi.addRoutes({
      path: '/api/{proxy+}',
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('ApiIntegration', apiFunction, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
    });
    // `https://<apiId>.execute-api.<region>.<suffix>` -> `<apiId>.execute-api.<region>.<suffix>`
    const apiDomain = Fn.select(2, Fn.split('/', httpApi.apiEndpoint));

    // ---------------------------------------------------------------- CloudFront
    const staticRewrite = new cloudfront.Function(this, 'StaticRewrite', {
      comment: 'Map extensionless paths to the files of a Next.js static export',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(staticRewriteCode(trailingSlash)),
    });

    const distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Next.js static export + Rust next-auth /api/*',
      defaultRootObject: 'index.html',
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        functionAssociations: [
          { function: staticRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        '/api/*': {
          origin: new origins.HttpOrigin(apiDomain, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          // Responses carry Set-Cookie and per-user sessions: never cache them.
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Cookies, query strings and headers reach the function, but the viewer's Host
          // header does not: API Gateway routes on Host and rejects a foreign one.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          compress: false,
        },
      },
      // No errorResponses: they apply to every behaviour, and would turn the API's own
      // 4xx/5xx answers into HTML pages.
    });

    const distributionUrl = `https://${distribution.distributionDomainName}`;

    // NEXTAUTH_URL: the parameter if given, else the distribution's own URL. This is no
    // dependency cycle: the distribution needs only the HTTP API resource (its id), while
    // the routes, the integration and the invoke permission are separate resources that
    // need the function.
    const nextAuthUrlIsEmpty = new CfnCondition(this, 'NextAuthUrlIsEmpty', {
      expression: Fn.conditionEquals(nextAuthUrl.valueAsString, ''),
    });
    const effectiveNextAuthUrl = Fn.conditionIf(
      nextAuthUrlIsEmpty.logicalId,
      distributionUrl,
      nextAuthUrl.valueAsString,
    ).toString();
    apiFunction.addEnvironment('NEXTAUTH_URL', effectiveNextAuthUrl);

    // ---------------------------------------------------------------- content
    new s3deploy.BucketDeployment(this, 'DeployStaticExport', {
      sources: [s3deploy.Source.asset(staticExportDir)],
      destinationBucket: siteBucket,
      distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'DistributionDomainName', {
      value: distribution.distributionDomainName,
      description: 'CloudFront domain name of the site',
    });
    new CfnOutput(this, 'NextAuthUrlInUse', {
      value: effectiveNextAuthUrl,
      description: 'The NEXTAUTH_URL the function runs with',
    });
    new CfnOutput(this, 'CognitoCallbackUrl', {
      value: `${effectiveNextAuthUrl}/api/auth/callback/cognito`,
      description: 'Register this as an allowed callback URL of the Cognito app client',
    });
    new CfnOutput(this, 'ApiEndpoint', {
      value: httpApi.apiEndpoint,
      description: 'HTTP API endpoint (the CloudFront origin of /api/*)',
    });
    new CfnOutput(this, 'BucketName', {
      value: siteBucket.bucketName,
      description: 'Private bucket holding the static export',
    });
  }
}

/** Source of the viewer-request function of the default behaviour. */
export function staticRewriteCode(trailingSlash: boolean): string {
  const source = fs.readFileSync(path.join(__dirname, 'functions', 'static-rewrite.js'), 'utf8');
  return `var TRAILING_SLASH = ${trailingSlash};\n${source}`;
}

/** Context given with `-c key=value` arrives as a string. */
function parseBoolean(value: unknown, name: string): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

function resolveDir(dir: string): string {
  return path.resolve(APP_DIR, dir);
}

function checkStaticExportDir(dir: string): void {
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new Error(
      `staticExportDir ${dir} has no index.html. Build the Next.js app with ` +
        "`output: 'export'` (next build writes out/), or pass `-c staticExportDir=<dir>`.",
    );
  }
}

function checkLambdaAssetDir(dir: string): void {
  const bootstrap = path.join(dir, 'bootstrap');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(bootstrap);
  } catch {
    throw new Error(
      `lambdaAssetDir ${dir} has no bootstrap file. Build the function for arm64 ` +
        '(e.g. `cargo lambda build --release --arm64`), or pass `-c lambdaAssetDir=<dir>`.',
    );
  }
  if (!stat.isFile()) {
    throw new Error(`${bootstrap} is not a file`);
  }
  // The zip keeps the file mode; provided.al2023 fails with "permission denied" at the
  // first invocation if bootstrap is not executable.
  if (process.platform !== 'win32' && (stat.mode & 0o111) === 0) {
    throw new Error(`${bootstrap} is not executable (chmod +x it)`);
  }
}
