/**
 * @mixtask/test-kit — what the packages' tests share, so no test reaches into another package's folders: the TLS
 * fixtures, loopback servers (plain, TLS, silent, a CONNECT proxy, a scripted vendor), a minimal test protocol,
 * the vendors' fake STS endpoints and a real redis-server on 127.0.0.1. Private: never published.
 */
export { testCert, testKey } from './tls-fixture.js';
export { stsServerCert, stsServerKey, stsTestCa } from './sts-tls-fixture.js';
export {
  refusedPort,
  startHttpServer,
  startHttpsServer,
  startProxy,
  startSilentServer,
  stopRequest,
  type LoopbackServer,
} from './loopback-servers.js';
export { startScriptedServer, type Reply, type ScriptedServer, type SeenRequest } from './scripted-server.js';
export { testProtocol, type TestCredentials } from './test-protocol.js';
export {
  startConnectStub,
  startFakeSts,
  stsCredentials,
  stsError,
  stsHost,
  type ConnectStub,
  type FakeSts,
  type StsAnswer,
  type StsCall,
} from './fake-tencent-sts.js';
export {
  acsStsCredentials,
  acsStsError,
  rpcSignature,
  startFakeAcsSts,
  type AcsStsAnswer,
  type AcsStsCall,
  type FakeAcsSts,
} from './fake-acs-sts.js';
export { redisServerAvailable, startRedisServer, type RedisServer, type RedisServerOptions } from './redis-server.js';
export { lastJsonLine, runModuleChild } from './module-child.js';
export { busiestSecond } from './busiest-second.js';
export { skewedClock, steppingClock } from './clocks.js';
export { recordingTransport } from './recording-transport.js';
