import { SharedReads } from './sharedReads';

describe('SharedReads', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000;
  });

  it('reuses a value while it is fresh, and reads again once it expired', async () => {
    const shared = new SharedReads(15_000, now);
    const read = jest.fn(async () => clock);
    expect(await shared.get('demo|services', read)).toBe(1_000);
    clock += 14_999;
    expect(await shared.get('demo|services', read)).toBe(1_000);
    expect(read).toHaveBeenCalledTimes(1);
    clock += 1;
    expect(await shared.get('demo|services', read)).toBe(16_000);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('shares a read in flight between callers, per key', async () => {
    const shared = new SharedReads(0, now);
    let release!: (value: string) => void;
    const read = jest.fn(
      () => new Promise<string>(resolve => (release = resolve)),
    );
    const first = shared.get('demo|sidecars', read);
    const second = shared.get('demo|sidecars', read);
    const other = shared.get('other|sidecars', async () => 'other');
    release('one read');
    expect(await Promise.all([first, second, other])).toEqual([
      'one read',
      'one read',
      'other',
    ]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('keeps nothing with a zero lifetime', async () => {
    const shared = new SharedReads(0, now);
    const read = jest.fn(async () => 'value');
    await shared.get('demo|services', read);
    await shared.get('demo|services', read);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('never keeps a failure: the next caller reads again', async () => {
    const shared = new SharedReads(15_000, now);
    const failing = jest.fn(async () => {
      throw new Error('connection refused');
    });
    await expect(shared.get('demo|services', failing)).rejects.toThrow(
      'connection refused',
    );
    await expect(
      shared.get('demo|services', async () => 'read again'),
    ).resolves.toBe('read again');
    expect(failing).toHaveBeenCalledTimes(1);
  });

  it('does not keep a value its caller refuses to keep', async () => {
    const shared = new SharedReads<{ errors: string[] }>(15_000, now);
    const read = jest.fn(async () => ({ errors: ['prometheus: Timeout'] }));
    const complete = (v: { errors: string[] }) => v.errors.length === 0;
    await shared.get('demo|istio-demo', read, complete);
    await shared.get('demo|istio-demo', read, complete);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('measures freshness from when the read started, not when it ended', async () => {
    const shared = new SharedReads(10_000, now);
    await shared.get('demo|services', async () => {
      clock += 8_000; // a slow read
      return 'slow';
    });
    clock += 2_000;
    const read = jest.fn(async () => 'new');
    expect(await shared.get('demo|services', read)).toBe('new');
  });

  it('keeps at most maxKept values, dropping the least recently used', async () => {
    const shared = new SharedReads<string>(60_000, now, 2);
    const read = jest.fn(async () => 'value');
    await shared.get('a', read);
    await shared.get('b', read);
    await shared.get('a', read); // a is now used more recently than b
    await shared.get('c', read); // drops b
    expect(read).toHaveBeenCalledTimes(3);
    expect(shared.keptSize()).toBe(2);
    await shared.get('a', read);
    expect(read).toHaveBeenCalledTimes(3);
    await shared.get('b', read);
    expect(read).toHaveBeenCalledTimes(4);
  });

  it('does not grow beyond its bound under keys that are all different', async () => {
    const shared = new SharedReads<number>(60_000, now, 100);
    for (let n = 0; n < 5_000; n++)
      await shared.get(`demo|extra-host-${n}.example.com`, async () => n);
    expect(shared.keptSize()).toBe(100);
  });

  it('drops expired values when a read completes, before the bound is reached', async () => {
    const shared = new SharedReads<string>(10_000, now, 100);
    await shared.get('a', async () => 'a');
    await shared.get('b', async () => 'b');
    clock += 10_000;
    await shared.get('c', async () => 'c');
    expect(shared.keptSize()).toBe(1);
  });
});
