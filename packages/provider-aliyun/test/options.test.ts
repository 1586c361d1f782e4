import { describe, expect, it } from '@jest/globals';
import { createAliyunProvider, type AliyunProviderOptions } from '@mixtask/provider-aliyun';
import { againstEmulator, left } from './support/against-emulator.js';

describe('createAliyunProvider options, before any request', () => {
  const { emulator, provider } = againstEmulator();

  it('a bad appId is a ConfigurationError naming appId, before any request', async () => {
    const before = emulator().requests().length;
    for (const appId of ['a&TaskId=x', '', 'x'.repeat(65), 42]) {
      const error = left(await provider({ appId: appId as string }).stopMix('task')());
      expect(error).toMatchObject({ _tag: 'ConfigurationError', attempts: 0, retryable: false });
      expect(error.message).toContain('appId');
    }
    const missing = createAliyunProvider({
      credentials: emulator().aliyun.credentials,
      endpoint: emulator().url,
    } as AliyunProviderOptions);
    expect(left(await missing.stopMix('task')()).message).toContain('appId');
    expect(emulator().requests().length).toBe(before);
  });

  it('a malformed TaskId is InvalidArgument before any request', async () => {
    const before = emulator().requests().length;
    for (const id of ['a&AppId=x', 'x'.repeat(56), 'a b', 'ü', '', 7]) {
      expect(left(await provider().stopMix(id as string)())).toMatchObject({ _tag: 'InvalidArgument', attempts: 0 });
    }
    expect(emulator().requests().length).toBe(before);
  });
});
