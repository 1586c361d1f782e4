import { faultMatrix } from './support/fault-matrix.js';
import { tencent } from './support/subjects.js';

// The fault matrix of issue 7 (one table, support/fault-matrix.ts), run against Tencent Cloud's side of the emulator.
faultMatrix(tencent);
