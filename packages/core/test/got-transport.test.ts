import { createGotTransport } from '../src/got-transport.js';
import { rawTransportSuite } from './support/raw-transport-suite.js';

rawTransportSuite('got', (options) => createGotTransport(options));
