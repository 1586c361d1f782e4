import { createGotTransport } from '../src/transport/got/got-transport.js';
import { rawTransportSuite } from './support/raw-transport-suite.js';

rawTransportSuite('got', (options) => createGotTransport(options));
