import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { Rng } from '../../src/random/rng.js';
import { detectGpus, parseNvidiaSmiList } from '../../worker/devices/detect-gpus.js';
import { DeviceAllocator } from '../../worker/devices/device-allocator.js';
import { parseGpuList } from '../../src/execution/device-ids.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('--gpus', () => {
  test('ids separated by commas, in the order given, spaces trimmed; none is no devices', () => {
    assert.deepEqual(parseGpuList('0,1,2,3'), ['0', '1', '2', '3']);
    assert.deepEqual(parseGpuList(' 3, 1 '), ['3', '1']);
    assert.deepEqual(parseGpuList('GPU-8f7c1b2e-aaaa-bbbb-cccc-0123456789ab,MIG-GPU-1/2/0'), [
      'GPU-8f7c1b2e-aaaa-bbbb-cccc-0123456789ab',
      'MIG-GPU-1/2/0',
    ]);
    assert.deepEqual(parseGpuList('none'), []);
    assert.deepEqual(parseGpuList('NONE'), []);
  });

  test('refuses an empty list, an empty id, a repeated id and characters no device id has', () => {
    assert.throws(() => parseGpuList(''), { message: /--gpus must be device ids separated by commas .* but got nothing/ });
    assert.throws(() => parseGpuList('0,,1'), { message: /but got an empty id in "0,,1"/ });
    assert.throws(() => parseGpuList('0,1,0'), { message: '--gpus must name each device once, but got "0" twice' });
    assert.throws(() => parseGpuList('0;1'), { message: /--gpus must be device ids .* but got "0;1"/ });
    assert.throws(() => parseGpuList('a b'), { message: /but got "a b"/ });
    assert.throws(() => parseGpuList('all'), { message: /but got "all": leave --gpus out to use every GPU nvidia-smi lists/ });
  });
});

describe('nvidia-smi -L', () => {
  test('the index of each GPU line; MIG lines and other text are not devices', () => {
    const output = [
      'GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-11111111-2222-3333-4444-555555555555)',
      '  MIG 1g.5gb      Device  0: (UUID: MIG-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee)',
      'GPU 1: NVIDIA A100-SXM4-40GB (UUID: GPU-66666666-2222-3333-4444-555555555555)',
      'GPU 3: Tesla T4 (UUID: GPU-77777777-2222-3333-4444-555555555555)',
      '',
    ].join('\n');
    assert.deepEqual(parseNvidiaSmiList(output), ['0', '1', '3']);
    assert.deepEqual(parseNvidiaSmiList('No devices were found\n'), []);
  });

  test('a fake nvidia-smi on PATH is asked; absent, failing or hanging means no devices', async () => {
    const dir = tempDir();
    const fake = (name: string, body: string): void => {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    };
    fake('nvidia-smi', '[ "$1" = "-L" ] || exit 9\necho "GPU 0: NVIDIA A100 (UUID: GPU-aaa)"\necho "GPU 1: NVIDIA A100 (UUID: GPU-bbb)"');
    fake('failing-smi', 'echo "NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver" >&2; exit 9');
    fake('hanging-smi', 'exec sleep 600');
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}` };
    assert.deepEqual(await detectGpus({ env }), { gpus: ['0', '1'] });

    const absent = await detectGpus({ env: { ...process.env, PATH: dir }, command: 'no-such-smi' });
    assert.deepEqual(absent, { gpus: [], problem: 'no-such-smi not found' });
    const failing = await detectGpus({ env, command: 'failing-smi' });
    assert.deepEqual(failing.gpus, []);
    assert.match(failing.problem ?? '', /^failing-smi -L failed/);
    const hanging = await detectGpus({ env, command: 'hanging-smi', timeoutMs: 200 });
    assert.deepEqual(hanging, { gpus: [], problem: 'hanging-smi -L did not answer within 0.2 s' });
  });
});

describe('DeviceAllocator', () => {
  test('hands out free ids in the worker order and takes them back', async () => {
    const devices = new DeviceAllocator<string>(['0', '1', '2']);
    assert.deepEqual(await devices.acquire(2, undefined, 'a'), ['0', '1']);
    assert.deepEqual(await devices.acquire(0, undefined, 'none'), []);
    assert.deepEqual(await devices.acquire(1, undefined, 'b'), ['2']);
    assert.deepEqual(
      devices.holders().map(({ holder, ids }) => [holder, ids]),
      [
        ['a', ['0', '1']],
        ['b', ['2']],
      ],
    );
    devices.release(['0', '1']);
    assert.equal(devices.free, 2);
    assert.deepEqual(await devices.acquire(1, undefined, 'c'), ['0']);
    assert.throws(() => devices.release(['1']), { message: 'device 1 must be held to be released, but it is free' });
  });

  test('refuses more than there are at once, and bad counts', async () => {
    const devices = new DeviceAllocator(['0']);
    await assert.rejects(devices.acquire(2), { name: 'RangeError', message: 'count must be at most the 1 devices there are, but got 2' });
    await assert.rejects(devices.acquire(1.5), TypeError);
    await assert.rejects(devices.acquire(-1), TypeError);
    assert.throws(() => new DeviceAllocator(['0', '0']), TypeError);
  });

  test('waiters are served first come, first served: a big request holds back later small ones', async () => {
    const devices = new DeviceAllocator<string>(['0', '1']);
    const first = await devices.acquire(1, undefined, 'first');
    const served: string[] = [];
    const big = devices.acquire(2, undefined, 'big').then((ids) => (served.push('big'), ids));
    const small = devices.acquire(1, undefined, 'small').then((ids) => (served.push('small'), ids));
    await tick();
    assert.deepEqual(served, [], 'one device is free, but the big request came first');
    assert.equal(devices.waiting, 2);
    devices.release(first);
    assert.deepEqual(await big, ['0', '1']);
    await tick();
    assert.deepEqual(served, ['big']);
    devices.release(['1']);
    assert.deepEqual(await small, ['1']);
    assert.deepEqual(served, ['big', 'small']);
  });

  test('an aborted waiter holds nothing, and stops holding back the ones behind it', async () => {
    const devices = new DeviceAllocator(['0', '1']);
    const first = await devices.acquire(1);
    const stop = new AbortController();
    const big = devices.acquire(2, stop.signal);
    const small = devices.acquire(1);
    stop.abort(new Error('run stopped'));
    await assert.rejects(big, { message: 'run stopped' });
    assert.deepEqual(await small, ['1']);
    assert.equal(devices.waiting, 0);
    devices.release(first);
    assert.equal(devices.free, 1);
    const aborted = AbortSignal.abort(new Error('already'));
    await assert.rejects(devices.acquire(1, aborted), { message: 'already' });
    assert.equal(devices.free, 1);
  });

  test('property: concurrent acquirers of random sizes never share a device, and all are served', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const rng = new Rng(seed);
      const ids = Array.from({ length: rng.int(1, 6) }, (_, i) => String(i));
      const devices = new DeviceAllocator<number>(ids);
      const inUse = new Set<string>();
      let served = 0;
      let aborted = 0;
      const runs = Array.from({ length: 40 }, async (_, run) => {
        await tick();
        const stop = new AbortController();
        const count = rng.int(0, ids.length);
        if (rng.float() < 0.1) setImmediate(() => stop.abort(new Error('stopped')));
        let held: string[];
        try {
          held = await devices.acquire(count, stop.signal, run);
        } catch {
          aborted++;
          return;
        }
        assert.equal(held.length, count);
        for (const id of held) {
          assert.ok(ids.includes(id), `seed ${seed}: ${id} is not a device`);
          assert.ok(!inUse.has(id), `seed ${seed}: run ${run} got device ${id}, which another run holds`);
          inUse.add(id);
        }
        // Other acquirers may have been served and not yet run on: holders() lists those too, each device once.
        const listed = devices.holders().flatMap((holding) => holding.ids);
        assert.equal(new Set(listed).size, listed.length, `seed ${seed}: holders() lists a device twice`);
        for (const id of held) assert.ok(listed.includes(id), `seed ${seed}: holders() leaves out ${id}`);
        for (let i = rng.int(0, 3); i > 0; i--) await tick();
        for (const id of held) inUse.delete(id);
        devices.release(held);
        served++;
      });
      await Promise.all(runs);
      assert.equal(served + aborted, 40);
      assert.equal(devices.free, ids.length);
      assert.equal(devices.waiting, 0);
    }
  });
});
