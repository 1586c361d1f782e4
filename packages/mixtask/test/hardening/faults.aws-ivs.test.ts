import { faultMatrix } from './support/fault-matrix.js';
import { awsIvs } from './support/subjects.js';

// The fault matrix of issue 7 (one table, support/fault-matrix.ts), run against Amazon IVS's side of the emulator.
faultMatrix(awsIvs);
