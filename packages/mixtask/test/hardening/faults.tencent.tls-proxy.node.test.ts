import { faultMatrix } from './support/fault-matrix.js';
import { tencent, withTransport } from './support/subjects.js';
import { tlsBehindProxy } from './support/tls-proxy.js';

// The TLS-behind-a-proxy matrix with the lean transport, whose CONNECT tunnel is its own (node-transport.ts).
faultMatrix(withTransport(tencent, 'node'), { setup: tlsBehindProxy() });
