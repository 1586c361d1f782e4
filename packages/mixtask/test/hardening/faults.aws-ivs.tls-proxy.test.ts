import { faultMatrix } from './support/fault-matrix.js';
import { awsIvs } from './support/subjects.js';
import { tlsBehindProxy } from './support/tls-proxy.js';

// The fault matrix once more, with the TLS emulator reached only through a CONNECT proxy (issue 13).
faultMatrix(awsIvs, { setup: tlsBehindProxy() });
