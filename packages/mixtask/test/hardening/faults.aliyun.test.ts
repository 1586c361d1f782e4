import { faultMatrix } from './support/fault-matrix.js';
import { aliyun } from './support/subjects.js';

// The fault matrix of issue 7 (one table, support/fault-matrix.ts), run against Alibaba Cloud's side of the emulator.
faultMatrix(aliyun);
