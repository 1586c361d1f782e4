export {
  createFakeProvider,
  type FakeProvider,
  type FakeProviderOptions,
  type RecordedCall,
  type ScriptedError,
} from './fake-provider.js';
export { commonInvalidIds, conformanceCases, type ConformanceCase, type ConformanceSubject } from './conformance.js';
export { FakeClock } from './fake-clock.js';
