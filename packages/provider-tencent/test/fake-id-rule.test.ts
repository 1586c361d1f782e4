import { expect, it } from '@jest/globals';
import { providerIdRules } from '../../core/src/testing/provider-id-rules.js';
import { mixStreamSessionIdPattern } from '../src/protocol.js';

// core's fake keeps a copy of this provider's id rule (core cannot import providers): the two must agree.
it("createFakeProvider({ name: 'tencent' }) uses the rule of the Tencent protocol", () => {
  expect(providerIdRules.tencent?.source).toBe(mixStreamSessionIdPattern.source);
  expect(providerIdRules.tencent?.flags).toBe(mixStreamSessionIdPattern.flags);
});
