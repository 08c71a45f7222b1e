// The OutputSet with outputs that record what they are given: order, fan-out, one line per failure.
import { describe, expect, it } from 'vitest';
import { OutputSet, type FinalResults, type Output, type OutputContext } from '../../../src/outputs/index.js';
import type { MetricBatch } from '../../../src/metrics/sink.js';

function recording(name: string, calls: string[], fail?: 'start' | 'stop'): Output {
  return {
    name,
    start() {
      calls.push(`start ${name}`);
      if (fail === 'start') throw new Error('port in use');
    },
    add: (batch) => calls.push(`add ${name} ${batch.series.length}`),
    stop() {
      calls.push(`stop ${name}`);
      if (fail === 'stop') throw new Error('cannot write "x": EISDIR');
    },
    close: () => void calls.push(`close ${name}`),
  };
}

const context = {} as OutputContext;
const final = {} as FinalResults;
const batch = { definitions: [], series: [] } as unknown as MetricBatch;

function stderr(): { write(text: string): boolean; text: string } {
  return {
    text: '',
    write(text: string) {
      this.text += text;
      return true;
    },
  };
}

describe('OutputSet', () => {
  it('starts, fans batches out to and stops its outputs in order, then closes them', async () => {
    const calls: string[] = [];
    const set = new OutputSet([recording('a', calls), { name: 'plain' }, recording('b', calls)]);
    await set.start(context);
    set.add(batch);
    const err = stderr();
    expect(await set.stop(final, { stderr: err } as never)).toBe(0);
    await set.close();
    expect(calls).toEqual(['start a', 'start b', 'add a 0', 'add b 0', 'stop a', 'stop b', 'close a', 'close b']);
    expect(err.text).toBe('');
  });

  it('reports an output that throws in stop with one line, and still stops the others', async () => {
    const calls: string[] = [];
    const set = new OutputSet([recording('--report', calls, 'stop'), recording('--out csv', calls, 'stop'), recording('summary', calls)]);
    const err = stderr();
    const failed = await set.stop(final, { stderr: err } as never);
    expect(failed).toBe(2);
    expect(err.text).toBe('ERROR --report: cannot write "x": EISDIR\nERROR --out csv: cannot write "x": EISDIR\n');
    expect(calls).toEqual(['stop --report', 'stop --out csv', 'stop summary']);
  });

  it('counts what an output reports through failed() without throwing', async () => {
    const set = new OutputSet([{ name: 'summary', stop: (_final, failed) => failed('handleSummary(): cannot write "a"') }]);
    const err = stderr();
    expect(await set.stop(final, { stderr: err } as never)).toBe(1);
    expect(err.text).toBe('ERROR handleSummary(): cannot write "a"\n');
  });

  it('stops starting at the first output that fails to start, and rethrows its error', async () => {
    const calls: string[] = [];
    const set = new OutputSet([recording('a', calls), recording('b', calls, 'start'), recording('c', calls)]);
    await expect(set.start(context)).rejects.toThrow('port in use');
    await set.close();
    expect(calls).toEqual(['start a', 'start b', 'close a', 'close b', 'close c']);
  });
});
