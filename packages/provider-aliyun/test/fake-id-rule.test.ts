import { expect, it } from '@jest/globals';
import { providerIdRules } from '../../core/src/testing/provider-id-rules.js';
import { mpuTaskIdPattern } from '../src/protocol.js';

// core's fake keeps a copy of this provider's id rule (core cannot import providers): the two must agree.
it("createFakeProvider({ name: 'aliyun' }) uses the rule of the Aliyun protocol", () => {
  expect(providerIdRules.aliyun?.source).toBe(mpuTaskIdPattern.source);
  expect(providerIdRules.aliyun?.flags).toBe(mpuTaskIdPattern.flags);
});
