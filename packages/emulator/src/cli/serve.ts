import { parseArgs } from 'node:util';
import { startEmulator } from '../server.js';
import type { CliIo } from './io.js';

export const serveHelp = `Usage: mixtask-emulator [serve] [--port <n>] [--host <addr>] [--session <id>]... [--task <id>]... [--composition <id>]... [-h|--help]

Runs the local Tencent + Aliyun + Amazon IVS emulator in the foreground until Ctrl-C, and prints its
URL, the credentials, AppId and region it accepts, and the environment to point mixtask at it.

Options:
  --port <n>     port to listen on (default: any free port)
  --host <addr>  loopback address to bind: 127.0.0.1 (default), ::1 or localhost;
                 any other address is refused, as anyone who knows the test keys could use it
  --session <id> start a Tencent mix session with this id (repeatable)
  --task <id>    start an Aliyun MPU task with this id (repeatable)
  --composition <id>
                 start an IVS composition with this resource id (letters, digits, -); its ARN is
                 printed (repeatable)
  -h, --help     show this help`;

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
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(serveHelp);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.err('mixtask-emulator: --port must be a whole number from 0 to 65535');
    return 2;
  }
  const emulator = await startEmulator({ port, ...(values.host === undefined ? {} : { host: values.host }) });
  for (const id of values.session) await emulator.tencent.createSession(id);
  for (const id of values.task) await emulator.aliyun.startTask(id);
  const compositions: string[] = [];
  for (const id of values.composition) {
    const arn = await emulator.awsIvs.createComposition({ id }).catch(() => undefined);
    if (arn === undefined) {
      io.err(`mixtask-emulator: --composition ${JSON.stringify(id)} is not letters, digits and - only`);
      await emulator.close();
      return 2;
    }
    compositions.push(arn);
  }
  io.out(`mixtask-emulator listening on ${emulator.url}`);
  io.out('');
  io.out('# Tencent');
  io.out(`MIXTASK_PROVIDER=tencent MIXTASK_ENDPOINT=${emulator.url} \\`);
  io.out(`TENCENTCLOUD_SECRET_ID=${emulator.tencent.credentials.secretId} \\`);
  io.out(`TENCENTCLOUD_SECRET_KEY=${emulator.tencent.credentials.secretKey} mixtask stop <session-id>`);
  io.out('');
  io.out('# Aliyun');
  io.out(`MIXTASK_PROVIDER=aliyun MIXTASK_ENDPOINT=${emulator.url} MIXTASK_ALIYUN_APP_ID=${emulator.aliyun.appId} \\`);
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
  await emulator.close();
  return 0;
}
