// The clients the benchmark compares. Each subject is `make(env, options) → { call(id) → Promise<outcome> }`,
// where env is what bench/server.mjs answers for a fresh emulator and the outcome is 'ok' or an error code
// ('RateLimited', 'RequestLimitExceeded', 'Throttling.User', …). Nothing here talks to anything but 127.0.0.1.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

const tencentVersion = '2018-08-01';
const aliyunVersion = '2016-11-01';
const emptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const sha256Hex = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

/**
 * The least a correct client must do for one Tencent stop: TC3-sign `content-type;host` (as the official SDK
 * does) and build the headers. Used by the raw node:http floor and by the bare-got subject.
 */
function tencentRequest(env, id) {
  const { host } = new URL(env.url);
  const body = `{"MixStreamSessionId":"${id}"}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const date = new Date(timestamp * 1000).toISOString().slice(0, 10);
  const canonical = `POST\n/\n\ncontent-type:application/json\nhost:${host}\n\ncontent-type;host\n${sha256Hex(body)}`;
  const scope = `${date}/live/tc3_request`;
  const toSign = `TC3-HMAC-SHA256\n${timestamp}\n${scope}\n${sha256Hex(canonical)}`;
  const key = hmac(hmac(hmac(`TC3${env.tencent.secretKey}`, date), 'live'), 'tc3_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return {
    path: '/',
    body,
    headers: {
      'content-type': 'application/json',
      host,
      'x-tc-action': 'CancelCommonMixStream',
      'x-tc-version': tencentVersion,
      'x-tc-timestamp': String(timestamp),
      authorization: `TC3-HMAC-SHA256 Credential=${env.tencent.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    },
  };
}

/** The same for one Aliyun stop: ACS3-HMAC-SHA256 over the query and the x-acs-* headers. */
function aliyunRequest(env, id) {
  const { host } = new URL(env.url);
  // AppId and TaskId are letters, digits, _ and - : nothing to percent-encode, already in sorted order.
  const query = `AppId=${env.aliyun.appId}&TaskId=${id}`;
  const headers = {
    host,
    'x-acs-action': 'StopLiveMPUTask',
    'x-acs-content-sha256': emptySha256,
    'x-acs-date': new Date().toISOString().slice(0, 19) + 'Z',
    'x-acs-signature-nonce': randomBytes(16).toString('hex'),
    'x-acs-version': aliyunVersion,
  };
  const names = Object.keys(headers); // already sorted
  const canonicalHeaders = names.map((name) => `${name}:${headers[name]}\n`).join('');
  const signedHeaders = names.join(';');
  const canonical = `POST\n/\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${emptySha256}`;
  const signature = createHmac('sha256', env.aliyun.accessKeySecret)
    .update(`ACS3-HMAC-SHA256\n${sha256Hex(canonical)}`)
    .digest('hex');
  headers.authorization = `ACS3-HMAC-SHA256 Credential=${env.aliyun.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { path: `/?${query}`, body: '', headers };
}

/** What a raw client reads from a vendor envelope: 'ok' or the error code. */
function outcomeOfTencent(text) {
  const response = JSON.parse(text).Response;
  return response.Error === undefined ? 'ok' : response.Error.Code;
}
function outcomeOfAliyun(text) {
  const envelope = JSON.parse(text);
  return envelope.Code === undefined ? 'ok' : envelope.Code;
}

/** node:http with a keep-alive agent, nothing else: the floor. */
function rawHttp(buildRequest, outcomeOf) {
  return (env) => {
    const { hostname, port } = new URL(env.url);
    const agent = new Agent({ keepAlive: true });
    return {
      call: (id) =>
        new Promise((resolve, reject) => {
          const { path, body, headers } = buildRequest(env, id);
          headers['content-length'] = String(Buffer.byteLength(body));
          const req = httpRequest({ agent, hostname, port, method: 'POST', path, headers }, (res) => {
            const chunks = [];
            res.on('data', (chunk) => chunks.push(chunk));
            res.on('end', () => resolve(outcomeOf(Buffer.concat(chunks).toString('utf8'))));
            res.on('error', reject);
          });
          req.on('error', reject);
          req.end(body);
        }),
      close: () => agent.destroy(),
    };
  };
}

/** got as @mixtask/core resolves it (the same copy). */
async function loadCoreGot() {
  const coreRequire = createRequire(require.resolve('@mixtask/core'));
  return (await import(pathToFileURL(coreRequire.resolve('got')).href)).default;
}

/**
 * got alone, with the options of core's transport (less its response-size listener), sending the same signed
 * request as raw-http: what got costs by itself. `stream: true` uses got's stream API instead of its promise API.
 */
function bareGot(got, { stream }) {
  return (env) => {
    const agent = new Agent({ keepAlive: true });
    const client = got.extend({
      retry: { limit: 0 },
      throwHttpErrors: false,
      followRedirect: false,
      decompress: true,
      agent: { http: agent },
    });
    return {
      call: async (id) => {
        const { body, headers } = tencentRequest(env, id);
        if (stream) {
          const chunks = [];
          for await (const chunk of client.stream(`${env.url}/`, {
            method: 'POST',
            headers,
            body,
            timeout: { request: 10_000 },
          }))
            chunks.push(chunk);
          return outcomeOfTencent(Buffer.concat(chunks).toString('utf8'));
        }
        const response = await client(`${env.url}/`, {
          method: 'POST',
          headers,
          body,
          timeout: { request: 10_000 },
          responseType: 'buffer',
        });
        return outcomeOfTencent(response.body.toString('utf8'));
      },
      close: () => agent.destroy(),
    };
  };
}

const outcomeOfEither = (either) => (either._tag === 'Right' ? 'ok' : either.left._tag);

/** The benchmark's ids are `c0_12`: an IVS composition's is the emulator's ARN of `c0-12` (bench/server.mjs). */
const arnOf = (env, id) => `${env.awsIvs.arnPrefix}${id.replace(/_/g, '-')}`;

/**
 * mixtask with its defaults, except where a measurement needs otherwise: the throughput cells turn the client-side
 * rate limiter off (`options.rateLimit === false`), since the emulator's quotas are off too.
 */
function mixtaskTencent(createTencentProvider, transport = 'got') {
  return (env, options = {}) => {
    const provider = createTencentProvider({
      credentials: env.tencent,
      endpoint: env.url,
      ...(options.rateLimit === false ? { rateLimit: false } : {}),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      transport,
    });
    return { call: async (id) => outcomeOfEither(await provider.stopMix(id)()), close: () => provider.close() };
  };
}

function mixtaskAliyun(createAliyunProvider, transport = 'got') {
  return (env, options = {}) => {
    const provider = createAliyunProvider({
      credentials: { accessKeyId: env.aliyun.accessKeyId, accessKeySecret: env.aliyun.accessKeySecret },
      appId: env.aliyun.appId,
      endpoint: env.url,
      ...(options.rateLimit === false ? { rateLimit: false } : {}),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      transport,
    });
    return { call: async (id) => outcomeOfEither(await provider.stopMix(id)()), close: () => provider.close() };
  };
}

function mixtaskAwsIvs(createAwsIvsProvider, transport = 'got') {
  return (env, options = {}) => {
    const provider = createAwsIvsProvider({
      region: env.awsIvs.region,
      credentials: { accessKeyId: env.awsIvs.accessKeyId, secretAccessKey: env.awsIvs.secretAccessKey },
      endpoint: env.url,
      ...(options.rateLimit === false ? { rateLimit: false } : {}),
      ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
      transport,
    });
    return {
      call: async (id) => outcomeOfEither(await provider.stopMix(arnOf(env, id))()),
      close: () => provider.close(),
    };
  };
}

/**
 * @aws-sdk/client-ivs-realtime as its README shows it, pointed at the emulator (`endpoint`), with its defaults
 * otherwise: its own node:http handler (keep-alive), its standard retry strategy, SigV4 through @smithy.
 */
function awsSdkIvs({ IVSRealTimeClient, StopCompositionCommand }) {
  return (env) => {
    const client = new IVSRealTimeClient({
      region: env.awsIvs.region,
      endpoint: env.url,
      credentials: { accessKeyId: env.awsIvs.accessKeyId, secretAccessKey: env.awsIvs.secretAccessKey },
    });
    return {
      call: async (id) => {
        try {
          await client.send(new StopCompositionCommand({ arn: arnOf(env, id) }));
          return 'ok';
        } catch (error) {
          return error.name || 'SdkError';
        }
      },
      close: () => client.destroy(),
    };
  };
}

/**
 * An http agent that connects every request to the emulator whatever host the URL names. The official Tencent
 * SDK derives the signing service from the endpoint's first label and signs the Host without its port, so it must
 * be given `live.tencentcloudapi.com` on the default port; this agent keeps the packets on 127.0.0.1. Keep-alive
 * as Node 20's global agent (which the SDK uses when given no agent) has it.
 */
class LoopbackAgent extends Agent {
  constructor(port) {
    super({ keepAlive: true });
    this.loopbackPort = port;
  }
  createConnection() {
    return createConnection({ host: '127.0.0.1', port: this.loopbackPort });
  }
}

/** tencentcloud-sdk-nodejs-common's CommonClient, as its README shows it. */
function tencentSdk({ CommonClient }) {
  return (env) => {
    const agent = new LoopbackAgent(Number(new URL(env.url).port));
    const client = new CommonClient('live.tencentcloudapi.com', tencentVersion, {
      credential: { secretId: env.tencent.secretId, secretKey: env.tencent.secretKey },
      profile: { httpProfile: { protocol: 'http://', agent } },
    });
    return {
      call: async (id) => {
        try {
          await client.request('CancelCommonMixStream', { MixStreamSessionId: id });
          return 'ok';
        } catch (error) {
          return error.code || 'SdkError';
        }
      },
      close: () => agent.destroy(),
    };
  };
}

/** The full tencentcloud-sdk-nodejs, its Live client as its README shows it (only for the cold-start rows). */
function tencentSdkFull(tencentcloud) {
  const LiveClient = tencentcloud.live.v20180801.Client;
  return (env) => {
    const agent = new LoopbackAgent(Number(new URL(env.url).port));
    const client = new LiveClient({
      credential: { secretId: env.tencent.secretId, secretKey: env.tencent.secretKey },
      profile: { httpProfile: { protocol: 'http://', agent } },
    });
    return {
      call: async (id) => {
        try {
          await client.CancelCommonMixStream({ MixStreamSessionId: id });
          return 'ok';
        } catch (error) {
          return error.code || 'SdkError';
        }
      },
      close: () => agent.destroy(),
    };
  };
}

/**
 * @alicloud/pop-core's RPCClient. It signs with V1 (HMAC-SHA1 in the query), which the emulator, like the vendor
 * for new callers, does not accept: every call is a full round trip answered `IncompleteSignature`.
 */
function popCore(RPCClient) {
  return (env) => {
    const client = new RPCClient({
      accessKeyId: env.aliyun.accessKeyId,
      accessKeySecret: env.aliyun.accessKeySecret,
      endpoint: env.url,
      apiVersion: aliyunVersion,
    });
    return {
      call: async (id) => {
        try {
          await client.request('StopLiveMPUTask', { AppId: env.aliyun.appId, TaskId: id }, { method: 'POST' });
          return 'ok';
        } catch (error) {
          return error.code || 'SdkError';
        }
      },
      close: () => client.keepAliveAgent.destroy(),
    };
  };
}

/** @alicloud/openapi-core's Client with callApi, as the generated product SDKs (e.g. live20161101) drive it. */
function openapiCore(core, dara) {
  const Client = core.default;
  const { Config, OpenApiRequest, Params } = core.$OpenApiUtil;
  const params = new Params({
    action: 'StopLiveMPUTask',
    version: aliyunVersion,
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  return (env) => {
    const client = new Client(
      new Config({
        accessKeyId: env.aliyun.accessKeyId,
        accessKeySecret: env.aliyun.accessKeySecret,
        endpoint: new URL(env.url).host,
        protocol: 'http',
      }),
    );
    return {
      call: async (id) => {
        try {
          const request = new OpenApiRequest({ query: { AppId: env.aliyun.appId, TaskId: id } });
          await client.callApi(params, request, new dara.RuntimeOptions({}));
          return 'ok';
        } catch (error) {
          return error.code || 'SdkError';
        }
      },
    };
  };
}

export const vendorOf = (name) => (/tencent/.test(name) ? 'tencent' : /aws|ivs/.test(name) ? 'aws-ivs' : 'aliyun');

/** A subject by name, loaded on demand so that each client process loads only its own library. */
export async function loadSubject(name) {
  switch (name) {
    case 'raw-http tencent':
      return rawHttp(tencentRequest, outcomeOfTencent);
    case 'raw-http aliyun':
      return rawHttp(aliyunRequest, outcomeOfAliyun);
    case 'got alone tencent':
      return bareGot(await loadCoreGot(), { stream: false });
    case 'got stream tencent':
      return bareGot(await loadCoreGot(), { stream: true });
    case 'mixtask tencent':
      return mixtaskTencent((await import('@mixtask/provider-tencent')).createTencentProvider);
    case 'mixtask aliyun':
      return mixtaskAliyun((await import('@mixtask/provider-aliyun')).createAliyunProvider);
    case 'mixtask tencent node':
      return mixtaskTencent((await import('@mixtask/provider-tencent')).createTencentProvider, 'node');
    case 'mixtask aliyun node':
      return mixtaskAliyun((await import('@mixtask/provider-aliyun')).createAliyunProvider, 'node');
    case 'mixtask aws-ivs':
      return mixtaskAwsIvs((await import('@mixtask/provider-aws-ivs')).createAwsIvsProvider);
    case 'mixtask aws-ivs node':
      return mixtaskAwsIvs((await import('@mixtask/provider-aws-ivs')).createAwsIvsProvider, 'node');
    case 'aws-sdk ivs-realtime':
      return awsSdkIvs(require('@aws-sdk/client-ivs-realtime'));
    case 'mixtask umbrella node':
      // The umbrella package (both providers, config, env) plus the node transport: what an app imports.
      return mixtaskTencent((await import('mixtask')).createTencentProvider, 'node');
    case 'tencent-sdk common':
      return tencentSdk(require('tencentcloud-sdk-nodejs-common'));
    case 'tencent-sdk full':
      return tencentSdkFull(require('tencentcloud-sdk-nodejs'));
    case 'alicloud pop-core':
      return popCore(require('@alicloud/pop-core').RPCClient);
    case 'alicloud openapi-core':
      // RuntimeOptions comes from the runtime openapi-core itself depends on.
      return openapiCore(
        require('@alicloud/openapi-core'),
        createRequire(require.resolve('@alicloud/openapi-core'))('@darabonba/typescript'),
      );
    default:
      if (name.startsWith('otel ')) return (await import('./telemetry-subjects.mjs')).telemetrySubject(name);
      throw new Error(`unknown subject ${name}`);
  }
}

export const isThrottling = (outcome) => /^(RateLimited|RequestLimitExceeded|Throttling)/.test(outcome);
// (ThrottlingException, the AWS SDK's name, is matched by the Throttling prefix.)
