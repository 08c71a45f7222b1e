import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { memoryIo } from '../../../src/io.js';
import { StopController } from '../../../src/run/stop.js';
import type { ThresholdOutcome } from '../../../src/thresholds/index.js';
import { MetricRegistry } from '../../../src/metrics/registry.js';
import { parseThresholds } from '../../../src/thresholds/index.js';

function failingThreshold(): ThresholdOutcome {
  const registry = new MetricRegistry();
  const [spec] = parseThresholds({ iterations: [{ threshold: 'count<10', abortOnFail: true }] }, (name) => registry.get(name));
  return { spec: spec!, observed: 12, ok: false, noData: false };
}

describe('StopController', () => {
  it('has no reason, no stoppedBy and no exit code of its own while nothing stopped the run', () => {
    const stop = new StopController(memoryIo());
    expect(stop.signal.aborted).toBe(false);
    expect(stop.reason).toBeUndefined();
    expect(stop.stoppedBy()).toBe('');
    expect(stop.exitCode()).toBeUndefined();
  });

  it('stops gracefully on the first signal, saying teardown and summary follow', () => {
    const io = memoryIo();
    const stop = new StopController(io);
    const off = stop.listen();
    io.raise('SIGTERM');
    expect(stop.signal.aborted).toBe(true);
    expect(stop.reason).toEqual({ kind: 'signal', signal: 'SIGTERM' });
    expect([stop.stoppedBy(), stop.exitCode()]).toEqual(['signal', ExitCode.abortedBySignal]);
    expect(io.err()).toBe('\nSIGTERM received: stopping the test (teardown and summary follow; press Ctrl+C again to exit at once)\n');
    expect(io.exitCode()).toBeUndefined();
    off();
  });

  it('exits the process at once on the second signal', () => {
    const io = memoryIo();
    const stop = new StopController(io);
    const off = stop.listen();
    io.raise('SIGINT');
    io.raise('SIGINT');
    expect(io.exitCode()).toBe(ExitCode.abortedBySignal);
    expect(io.err()).toContain('\nSIGINT again: exiting now, without teardown or summary\n');
    off();
  });

  it('hears no signal once the run stopped listening', () => {
    const io = memoryIo();
    const stop = new StopController(io);
    stop.listen()();
    io.raise('SIGINT');
    expect(stop.signal.aborted).toBe(false);
    expect(io.err()).toBe('');
  });

  it('names the abortOnFail threshold that stopped the run, which exits as failed thresholds do', () => {
    const io = memoryIo();
    const stop = new StopController(io);
    stop.thresholdFailed(failingThreshold());
    expect(stop.signal.aborted).toBe(true);
    expect([stop.stoppedBy(), stop.exitCode()]).toEqual(['threshold', ExitCode.thresholdsFailed]);
    expect(io.err()).toBe('ERROR test aborted: threshold "count<10" on iterations failed (abortOnFail)\n');
  });

  it('stops on a crashed worker with the internal error code', () => {
    const io = memoryIo();
    const stop = new StopController(io);
    stop.crashed(new Error('worker 1: exited unexpectedly with code 1'));
    expect([stop.stoppedBy(), stop.exitCode()]).toEqual(['worker crash', ExitCode.internalError]);
    expect(io.err()).toBe('ERROR a worker thread failed: worker 1: exited unexpectedly with code 1; stopping the test\n');
  });

  it('keeps the first reason; later ones are still reported', () => {
    const io = memoryIo();
    const stop = new StopController(io);
    const off = stop.listen();
    stop.thresholdFailed(failingThreshold());
    stop.crashed(new Error('worker 0: gone'));
    io.raise('SIGINT');
    expect([stop.stoppedBy(), stop.exitCode()]).toEqual(['threshold', ExitCode.thresholdsFailed]);
    expect(io.err()).toContain('ERROR a worker thread failed: worker 0: gone; stopping the test\n');
    expect(io.err()).toContain('SIGINT received');
    off();
  });
});

describe('StopController on exec.test.abort()', () => {
  it('stops with the script-aborted code and tells the first abort only', () => {
    const io = memoryIo();
    const stop = new StopController(io);
    stop.aborted('test aborted: no token at script.js:4:9');
    stop.aborted('test aborted: again at script.js:4:9');
    expect(stop.signal.aborted).toBe(true);
    expect([stop.stoppedBy(), stop.exitCode()]).toEqual(['script abort', ExitCode.scriptAborted]);
    expect(io.err()).toBe('ERROR test aborted: no token at script.js:4:9\n');
  });
});
