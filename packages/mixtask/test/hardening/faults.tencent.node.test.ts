import { faultMatrix } from './support/fault-matrix.js';
import { tencent, withTransport } from './support/subjects.js';

// The same fault matrix, with the lean transport (transport: 'node'): both built-in transports must pass it.
faultMatrix(withTransport(tencent, 'node'));
