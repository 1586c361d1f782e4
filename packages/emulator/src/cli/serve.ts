import { parseArgs } from 'node:util';
import { mixStreamSessionIdPattern } from '@mixtask/provider-tencent/signing';
import { mpuTaskIdPattern } from '@mixtask/provider-aliyun/signing';
import { startEmulator, type EmulatorIdentity } from '../server.js';
import type { CliIo } from './io.js';

export const serveHelp = `Usage: mixtask-emulator [serve] [--port <n>] [--host <addr>] [--session <id>]... [--task <id>]... [--composition <id>]... [--tencent-secret-id <id>] [--tencent-secret-key <key>] [--aliyun-access-key-id <id>] [--aliyun-access-key-secret <secret>] [--aliyun-app-id <id>] [-h|--help]

Runs the local Tencent + Aliyun + Amazon IVS emulator in the foreground until Ctrl-C or SIGTERM, and prints
its URL, the credentials, AppId and region it accepts, and the environment to point mixtask at it.

Options:
  --port <n>     port to listen on (default: any free port)        env MIXTASK_EMULATOR_PORT
  --host <addr>  loopback address to bind: 127.0.0.1 (default), ::1 or localhost;
                 any other address is refused, as anyone who knows the test keys could use it
  --session <id> start a Tencent mix session with this id (repeatable; 1-80 letters, digits or _)
  --task <id>    start an Aliyun MPU task with this id (repeatable; 1-55 letters, digits, _ or -)
  --composition <id>
                 start an IVS composition with this resource id (letters, digits, -); its ARN is
                 printed (repeatable)
  --tencent-secret-id, --tencent-secret-key         fixed Tencent keys (default: random per run)
                 env MIXTASK_EMULATOR_TENCENT_SECRET_ID, MIXTASK_EMULATOR_TENCENT_SECRET_KEY
  --aliyun-access-key-id, --aliyun-access-key-secret  fixed Aliyun keys (default: random per run)
                 env MIXTASK_EMULATOR_ALIYUN_ACCESS_KEY_ID, MIXTASK_EMULATOR_ALIYUN_ACCESS_KEY_SECRET
  --aliyun-app-id <id>  fixed Aliyun AppId (default: random per run)  env MIXTASK_EMULATOR_ALIYUN_APP_ID
  -h, --help     show this help

Every problem with the command line is refused (exit 2) before anything listens.`;

/** The fixed-identity flags and the variables that give them too (a flag wins). Never the vendors' own variables:
 * the emulator prints what it accepts, and must not pick up and print an account's real keys. */
const identityFlags = [
  { flag: 'tencent-secret-id', env: 'MIXTASK_EMULATOR_TENCENT_SECRET_ID' },
  { flag: 'tencent-secret-key', env: 'MIXTASK_EMULATOR_TENCENT_SECRET_KEY' },
  { flag: 'aliyun-access-key-id', env: 'MIXTASK_EMULATOR_ALIYUN_ACCESS_KEY_ID' },
  { flag: 'aliyun-access-key-secret', env: 'MIXTASK_EMULATOR_ALIYUN_ACCESS_KEY_SECRET' },
  { flag: 'aliyun-app-id', env: 'MIXTASK_EMULATOR_ALIYUN_APP_ID' },
] as const;

type IdentityFlag = (typeof identityFlags)[number]['flag'];

/** A key or id as a shell and an HTTP header carry it: printable ASCII, no spaces, not too long. */
const credentialPattern = /^[\x21-\x7e]{1,128}$/;
const appIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
/** The resource id at the end of a composition ARN (compositionArnPattern of @mixtask/provider-aws-ivs). */
const compositionIdPattern = /^[a-zA-Z0-9-]+$/;

export async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      session: { type: 'string', multiple: true, default: [] },
      task: { type: 'string', multiple: true, default: [] },
      composition: { type: 'string', multiple: true, default: [] },
      ...Object.fromEntries(identityFlags.map(({ flag }) => [flag, { type: 'string' as const }])),
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(serveHelp);
    return 0;
  }
  const usage = (message: string) => {
    io.err(`mixtask-emulator: ${message}`);
    return 2;
  };
  const env = io.env ?? {};
  const rawPort = values.port ?? env.MIXTASK_EMULATOR_PORT;
  const port = rawPort === undefined ? 0 : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || rawPort?.trim() === '') {
    return usage(
      `${values.port === undefined ? 'MIXTASK_EMULATOR_PORT' : '--port'} must be a whole number from 0 to 65535`,
    );
  }
  // Checked before listening: an id the client cannot name, or half a key pair, must not leave a server running.
  const badSession = values.session.find((id) => !mixStreamSessionIdPattern.test(id));
  if (badSession !== undefined) return usage('--session: a MixStreamSessionId is 1 to 80 letters, digits or _');
  const badTask = values.task.find((id) => !mpuTaskIdPattern.test(id));
  if (badTask !== undefined) return usage('--task: an MPU TaskId is 1 to 55 letters, digits, _ or -');
  const badComposition = values.composition.find((id) => !compositionIdPattern.test(id));
  if (badComposition !== undefined) return usage('--composition: a composition id is letters, digits and - only');
  const identity = identityOf(values as Partial<Record<IdentityFlag, string>>, env);
  if (typeof identity === 'string') return usage(identity);

  const emulator = await startEmulator({
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    identity,
  });
  try {
    for (const id of values.session) await emulator.tencent.createSession(id);
    for (const id of values.task) await emulator.aliyun.startTask(id);
    const compositions: string[] = [];
    for (const id of values.composition) compositions.push(await emulator.awsIvs.createComposition({ id }));
    io.out(`mixtask-emulator listening on ${emulator.url}`);
    io.out('');
    io.out('# Tencent');
    io.out(`MIXTASK_PROVIDER=tencent MIXTASK_ENDPOINT=${emulator.url} \\`);
    io.out(`TENCENTCLOUD_SECRET_ID=${emulator.tencent.credentials.secretId} \\`);
    io.out(`TENCENTCLOUD_SECRET_KEY=${emulator.tencent.credentials.secretKey} mixtask stop <session-id>`);
    io.out('');
    io.out('# Aliyun');
    io.out(
      `MIXTASK_PROVIDER=aliyun MIXTASK_ENDPOINT=${emulator.url} MIXTASK_ALIYUN_APP_ID=${emulator.aliyun.appId} \\`,
    );
    io.out(`ALIBABA_CLOUD_ACCESS_KEY_ID=${emulator.aliyun.credentials.accessKeyId} \\`);
    io.out(`ALIBABA_CLOUD_ACCESS_KEY_SECRET=${emulator.aliyun.credentials.accessKeySecret} mixtask stop <task-id>`);
    io.out('');
    io.out('# Amazon IVS');
    io.out(`MIXTASK_PROVIDER=aws-ivs MIXTASK_ENDPOINT=${emulator.url} AWS_REGION=${emulator.awsIvs.region} \\`);
    io.out(`AWS_ACCESS_KEY_ID=${emulator.awsIvs.credentials.accessKeyId} \\`);
    io.out(`AWS_SECRET_ACCESS_KEY=${emulator.awsIvs.credentials.secretAccessKey} mixtask stop <composition-arn>`);
    for (const arn of compositions) io.out(`#   ${arn}`);
    await new Promise<void>((resolve) => {
      if (io.interrupted.aborted) return resolve();
      io.interrupted.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    // Whatever ended the run (a signal, an error), nothing is left listening.
    await emulator.close();
  }
  return 0;
}

/** The fixed identity from flags, else the variables; a key without its pair is refused, naming both. */
function identityOf(
  values: Partial<Record<IdentityFlag, string>>,
  env: Readonly<Record<string, string | undefined>>,
): EmulatorIdentity | string {
  const given: Partial<Record<IdentityFlag, string>> = {};
  for (const { flag, env: variable } of identityFlags) {
    const value = values[flag] ?? env[variable];
    if (value === undefined || value === '') continue;
    const pattern = flag === 'aliyun-app-id' ? appIdPattern : credentialPattern;
    const named = values[flag] === undefined ? variable : `--${flag}`;
    if (!pattern.test(value)) {
      return flag === 'aliyun-app-id'
        ? `${named}: an AppId is 1 to 64 letters, digits, _ or -`
        : `${named}: expected 1 to 128 printable characters without spaces`;
    }
    given[flag] = value;
  }
  const pair = (id: IdentityFlag, secret: IdentityFlag) => {
    if ((given[id] === undefined) === (given[secret] === undefined)) return undefined;
    return `--${id} and --${secret} go together: give both or neither`;
  };
  const unpaired =
    pair('tencent-secret-id', 'tencent-secret-key') ?? pair('aliyun-access-key-id', 'aliyun-access-key-secret');
  if (unpaired !== undefined) return unpaired;
  return {
    ...(given['tencent-secret-id'] === undefined
      ? {}
      : { tencent: { secretId: given['tencent-secret-id'], secretKey: given['tencent-secret-key'] as string } }),
    ...(given['aliyun-access-key-id'] === undefined
      ? {}
      : {
          aliyun: {
            accessKeyId: given['aliyun-access-key-id'],
            accessKeySecret: given['aliyun-access-key-secret'] as string,
          },
        }),
    ...(given['aliyun-app-id'] === undefined ? {} : { aliyunAppId: given['aliyun-app-id'] }),
  };
}
