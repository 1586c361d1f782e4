import { faultMatrix } from './support/fault-matrix.js';
import { awsIvs, withTransport } from './support/subjects.js';

// The same fault matrix, with the lean transport (transport: 'node'): both built-in transports must pass it.
faultMatrix(withTransport(awsIvs, 'node'));
