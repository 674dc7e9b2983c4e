// The import's writers: at most `size` batches written at once, never two
// that share a post or a raw payload, and a failed write reported once the
// others have ended. Writes here are promises the test settles by hand.
import { describe, expect, it } from 'vitest';
import { batchKeys, Writers } from '../../../src/jobs/import-posts.js';
import { prepareUnit } from '../../../src/jobs/import-prepare.js';

/** A write the test ends: `end()` resolves it, `fail(err)` rejects it. */
function manualWrite(log: string[], name: string) {
  let end!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    end = resolve;
    fail = reject;
  });
  const write = async () => {
    log.push(`start ${name}`);
    try {
      await done;
    } finally {
      log.push(`end ${name}`);
    }
  };
  return { write, end: () => end(), fail: (err: Error) => fail(err) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const keys = (...k: string[]) => new Set(k);

/** Writers of this size, three writes a, b and c the test ends by hand, and the log they write. */
function rig(size: number) {
  const log: string[] = [];
  const [a, b, c] = ['a', 'b', 'c'].map((n) => manualWrite(log, n)) as [Write, Write, Write];
  return { log, writers: new Writers(size), a, b, c };
}
type Write = ReturnType<typeof manualWrite>;

describe('import writers', () => {
  it('runs at most size writes at once, starting the next when one ends', async () => {
    const { log, writers, a, b, c } = rig(2);
    await writers.start(keys('1'), a.write);
    await writers.start(keys('2'), b.write);
    let cStarted = false;
    const startC = writers.start(keys('3'), c.write).then(() => (cStarted = true));
    await tick();
    expect(cStarted).toBe(false);
    expect(log).toEqual(['start a', 'start b']);
    b.end();
    await startC;
    expect(log).toEqual(['start a', 'start b', 'end b', 'start c']);
    a.end();
    c.end();
    await writers.finish();
    expect(log.filter((l) => l.startsWith('end'))).toEqual(['end b', 'end a', 'end c']);
  });

  it('never runs two writes whose keys meet, whatever its size', async () => {
    const { log, writers, a, b, c } = rig(4);
    await writers.start(keys('x:1', 'x:2'), a.write);
    const startB = writers.start(keys('x:2', 'x:3'), b.write);
    await tick();
    expect(log).toEqual(['start a']);
    a.end();
    await startB;
    await writers.start(keys('x:4'), c.write);
    expect(log).toEqual(['start a', 'end a', 'start b', 'start c']);
    b.end();
    c.end();
    await writers.finish();
  });

  it('throws the first failure once the other writes have ended', async () => {
    const { log, writers, a, b, c } = rig(2);
    await writers.start(keys('1'), a.write);
    await writers.start(keys('2'), b.write);
    a.fail(new Error('a failed'));
    const startC = writers.start(keys('3'), c.write);
    const outcome = startC.then(
      () => 'started',
      (err: Error) => err.message,
    );
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end a']);
    b.end();
    expect(await outcome).toBe('a failed');
    expect(log).toEqual(['start a', 'start b', 'end a', 'end b']);
    await expect(writers.finish()).rejects.toThrow('a failed');
  });

  it('keys a batch by its raw lines and by every ID of its posts’ edit chains', () => {
    const line = JSON.stringify({
      data: [
        {
          id: '1790000000000000002',
          text: 'Corrected',
          edit_history_tweet_ids: ['1790000000000000001', '1790000000000000002'],
        },
      ],
    });
    const prepared = prepareUnit({ format: 'x-response', fileName: 'a.json', line: 1, text: line });
    const k = batchKeys([prepared]);
    expect(k.has('x\u00001790000000000000001')).toBe(true);
    expect(k.has('x\u00001790000000000000002')).toBe(true);
    expect(k.has(`raw\u0000${line}`)).toBe(true);
    expect(k.size).toBe(3);
  });
});
