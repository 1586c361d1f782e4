import { faultMatrix } from './support/fault-matrix.js';
import { awsIvs, withTransport } from './support/subjects.js';
import { tlsBehindProxy } from './support/tls-proxy.js';

// The TLS-behind-a-proxy matrix with the lean transport, whose CONNECT tunnel is its own (node-transport.ts).
faultMatrix(withTransport(awsIvs, 'node'), { setup: tlsBehindProxy() });
