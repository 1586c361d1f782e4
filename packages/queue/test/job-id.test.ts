import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { idOfJobId, jobIdOf } from '@mixtask/queue';

// The providers' id alphabets (provider-tencent mixStreamSessionIdPattern, provider-aliyun mpuTaskIdPattern, the IVS
// ARN rule) and the registry's qualified form '<provider>:<id>'.
const chars = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const tencentId = chars(letters + '_', 1, 80);
const aliyunId = chars(letters + '_-', 1, 55);
const ivsArn = fc
  .tuple(
    chars('abcdefghijklmnopqrstuvwxyz0123456789-', 1, 20),
    chars('0123456789', 12, 12),
    chars(letters + '-', 1, 40),
  )
  .map(([region, account, name]) => `arn:aws:ivs:${region}:${account}:composition/${name}`);
const providerId = fc.oneof(
  tencentId,
  aliyunId,
  ivsArn,
  tencentId.map((id) => `tencent:${id}`),
  aliyunId.map((id) => `aliyun:${id}`),
  ivsArn.map((arn) => `aws-ivs:${arn}`),
);

/** What BullMQ refuses as a custom job id. */
const bullmqRefuses = (jobId: string) =>
  jobId.includes(':') || /^-?\d+$/.test(jobId) || `${parseInt(jobId, 10)}` === jobId;

describe('job ids', () => {
  it('every id the providers accept (plain or qualified) round-trips and is a valid BullMQ job id', () => {
    fc.assert(
      fc.property(providerId, (id) => {
        const jobId = jobIdOf(id);
        expect(bullmqRefuses(jobId)).toBe(false);
        expect(idOfJobId(jobId)).toBe(id);
      }),
      { numRuns: 2000 },
    );
  });

  it('any string round-trips, including ones that already look encoded', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (id) => {
        expect(bullmqRefuses(jobIdOf(id))).toBe(false);
        expect(idOfJobId(jobIdOf(id))).toBe(id);
      }),
      { numRuns: 2000 },
    );
    for (const id of ['%3A', '%253A', '12345', ':', '%', 'a:b%c']) expect(idOfJobId(jobIdOf(id))).toBe(id);
  });

  it('distinct ids never share a job id', () => {
    fc.assert(fc.property(providerId, providerId, (a, b) => a === b || jobIdOf(a) !== jobIdOf(b)));
    expect(jobIdOf('tencent:room_1')).toBe('stop.tencent%3Aroom_1');
    expect(idOfJobId('42')).toBeUndefined();
  });
});
