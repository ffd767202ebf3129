import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  heartbeatFromMessage,
  heartbeatToMessage,
  registerFromMessage,
  registerToMessage,
  type RegisterRequest,
} from '../../src/wire/coordinator-codec.js';

const register: RegisterRequest = {
  protocolVersion: 1,
  workerId: 'host-1-abc',
  host: 'host',
  pid: 1,
  threads: 2,
  running: [],
  softwareVersion: 'test',
  gpus: ['0', 'GPU-8f7c'],
  servesLogs: true,
};
const run = { study: 's', trialNumber: 3, attempt: 1, repeat: 0 };

describe('devices on the wire', () => {
  test('a worker’s devices and who holds which come through; absent is none', () => {
    assert.deepEqual(registerFromMessage(registerToMessage(register)).gpus, ['0', 'GPU-8f7c']);
    assert.deepEqual(registerFromMessage(registerToMessage({ ...register, gpus: undefined })).gpus, []);
    const beat = { session: 'abc-1', running: [run], draining: false, assignmentsReceived: 1, held: [{ run, gpus: ['GPU-8f7c'] }] };
    assert.deepEqual(heartbeatFromMessage(heartbeatToMessage(beat)).held, [{ run, gpus: ['GPU-8f7c'] }]);
  });

  test('refuses ids no device has and a device named twice', () => {
    assert.throws(
      () => registerFromMessage(registerToMessage({ ...register, gpus: ['0', '0'] })),
      /register: gpus: must name each device once/,
    );
    assert.throws(
      () => registerFromMessage(registerToMessage({ ...register, gpus: ['a,b'] })),
      /register: gpus\[0\]: expected a device id .* but got "a,b"/,
    );
    const beat = { session: 'abc-1', running: [run], draining: false, assignmentsReceived: 1, held: [{ run, gpus: [''] }] };
    assert.throws(() => heartbeatFromMessage(heartbeatToMessage(beat)), /heartbeat: held\[0\]\.gpus/);
  });
});
