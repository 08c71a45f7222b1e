import { describe, expect, it } from 'vitest';
import { ExitCode, configError } from '../../../src/errors.js';
import { Metric } from '../../../src/metrics/builtin.js';
import type { MetricBatch } from '../../../src/metrics/sink.js';
import type { PlannedScenario } from '../../../src/types.js';
import { base, timeline } from '../executors/fakes.js';
import { EPOCH_MS, RecordingOutput, fakeRun, threw, type FakeRunOptions } from './fakes.js';

/** `vus` VUs looping for `durationMs`; what runs past the end is interrupted (no graceful stop). */
function constantVus(vus: number, durationMs: number, more: Partial<PlannedScenario> = {}): PlannedScenario {
  return { ...base, executor: 'constant-vus', vus, durationMs, ...more } as PlannedScenario;
}

/** Two VUs for 2.5 s of 1 s iterations: 4 complete, 2 are interrupted at the end. */
const shortTest: FakeRunOptions = { scenarios: [constantVus(2, 2_500)], exports: ['setup', 'teardown'] };

/** Every `vus` gauge sample the outputs were handed, as [value, ms since the epoch origin]. */
function vusSamples(batches: readonly MetricBatch[]): [number, number][] {
  return batches.flatMap((batch) =>
    batch.series.flatMap((series) => (series.metric === Metric.vus && series.data.type === 'gauge' ? [[series.data.value, series.data.timeMs - EPOCH_MS] as [number, number]] : [])),
  );
}

describe('a run', () => {
  it('initialises the VUs, runs setup, the scenarios and teardown, and hands the results to the outputs', async () => {
    const run = fakeRun(shortTest);
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.ok);
    expect(run.pool.created).toEqual([1, 2]);
    expect(run.pool.setupJson).toBe('{"token":"t1"}');
    expect(run.lifecycle.calls).toEqual([
      { name: 'setup', data: '', atMs: 0 },
      { name: 'teardown', data: '{"token":"t1"}', atMs: 2_500 },
    ]);
    expect(timeline(run.pool.iterations)).toEqual([
      [1, 0, 1_000, 'completed'],
      [2, 0, 1_000, 'completed'],
      [1, 1_000, 2_000, 'completed'],
      [2, 1_000, 2_000, 'completed'],
      [1, 2_000, 2_500, 'interrupted'],
      [2, 2_000, 2_500, 'interrupted'],
    ]);
    const { results, summary } = running.final();
    expect(results).toMatchObject({ exitCode: 0, stoppedBy: '', startedAt: new Date(EPOCH_MS).toISOString(), durationMs: 2_500, script: 'test.js' });
    expect(summary.metrics[Metric.iterations]?.values['count']).toBe(4);
    expect([run.pool.stops, run.lifecycle.stopped, run.output.closed]).toEqual([1, true, true]);
    expect(run.clock.pendingTimers).toBe(0);
  });

  it('starts a scenario at its start time, counted from the test start after setup', async () => {
    const run = fakeRun({ scenarios: [constantVus(1, 1_500, { startTimeMs: 1_000 })], exports: ['setup'], lifecycle: { setup: { durationMs: 3_000 } } });
    expect(await run.start().finish()).toBe(ExitCode.ok);
    expect(timeline(run.pool.iterations)).toEqual([
      [1, 4_000, 5_000, 'completed'],
      [1, 5_000, 5_500, 'interrupted'],
    ]);
  });

  it('samples the vus gauge at every new peak and every second, each sample the most VUs since the one before', async () => {
    // Three VUs leave at 1.5 s, one stays until 3.5 s: the sample at 2 s still says 4.
    const run = fakeRun({ scenarios: [constantVus(3, 1_500, { name: 'burst' }), constantVus(1, 3_500, { name: 'steady' })] });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.ok);
    expect(vusSamples(run.output.batches)).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [4, 1_000],
      [4, 2_000],
      [1, 3_000],
    ]);
    expect(running.final().summary.metrics[Metric.vusMax]?.values['value']).toBe(4);
  });

  it('serves the results so far to the live outputs while the test runs', async () => {
    const run = fakeRun(shortTest);
    const running = run.start();
    await run.clock.advance(1_500);
    const live = run.output.context!.live.snapshot();
    expect(live).toMatchObject({ exitCode: -1, stoppedBy: '', endedAt: '', durationMs: 1_500, startedAt: new Date(EPOCH_MS).toISOString() });
    expect(live.metrics[Metric.iterations]?.values['count']).toBe(2);
    // Asked again with no new sample, the live outputs share the results already built.
    expect(run.output.context!.live.snapshot()).toBe(live);
    await run.clock.advance(2_200);
    const later = run.output.context!.live.snapshot();
    expect(later).not.toBe(live);
    expect(later.metrics[Metric.iterations]?.values['count']).toBeGreaterThan(2);
    await running.finish();
  });
});

describe('a run stopped by a signal', () => {
  it('interrupts the iterations, still tears down and writes its results, and exits with the signal code', async () => {
    const run = fakeRun({ ...shortTest, scenarios: [constantVus(2, 10_000)] });
    const running = run.start();
    await run.clock.advance(1_500);
    run.io.raise('SIGINT');
    expect(await running.finish()).toBe(ExitCode.abortedBySignal);
    expect(run.io.err()).toContain('SIGINT received: stopping the test');
    expect(timeline(run.pool.iterations).slice(-2)).toEqual([
      [1, 1_000, 1_500, 'interrupted'],
      [2, 1_000, 1_500, 'interrupted'],
    ]);
    expect(run.lifecycle.calls.map((call) => [call.name, call.atMs])).toEqual([
      ['setup', 0],
      ['teardown', 1_500],
    ]);
    expect(running.final().results).toMatchObject({ exitCode: ExitCode.abortedBySignal, stoppedBy: 'signal', durationMs: 1_500 });
    expect(run.io.exitCode()).toBeUndefined();
  });

  it('exits at once on a second signal, also during teardown', async () => {
    const run = fakeRun({ ...shortTest, lifecycle: { teardown: { durationMs: 5_000 } } });
    const running = run.start();
    await run.clock.advance(3_000);
    expect(run.lifecycle.calls.at(-1)?.name).toBe('teardown');
    run.io.raise('SIGTERM');
    expect(run.io.exitCode()).toBeUndefined();
    run.io.raise('SIGTERM');
    expect(run.io.exitCode()).toBe(ExitCode.abortedBySignal);
    expect(run.io.err()).toContain('SIGTERM again: exiting now, without teardown or summary');
    await running.finish();
  });

  it('listens for signals only while it lasts', async () => {
    const run = fakeRun(shortTest);
    expect(await run.start().finish()).toBe(ExitCode.ok);
    run.io.raise('SIGINT');
    run.io.raise('SIGINT');
    expect(run.io.exitCode()).toBeUndefined();
    expect(run.io.err()).not.toContain('SIGINT');
  });
});

describe('a run stopped by an abortOnFail threshold', () => {
  it('is stopped at the first check that fails, tears down, and exits as failed thresholds do', async () => {
    // The checks run every 2 s: at 2 s two iterations have completed, one too many.
    const run = fakeRun({
      ...shortTest,
      scenarios: [constantVus(2, 10_000)],
      options: { thresholds: { iterations: [{ threshold: 'count<2', abortOnFail: true }] } },
    });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.thresholdsFailed);
    expect(run.io.err()).toContain('ERROR test aborted: threshold "count<2" on iterations failed (abortOnFail)\n');
    expect(Math.max(...run.pool.iterations.map((it) => it.endMs ?? Infinity))).toBe(2_000);
    expect(run.lifecycle.calls.map((call) => call.name)).toEqual(['setup', 'teardown']);
    expect(running.final().results).toMatchObject({ exitCode: ExitCode.thresholdsFailed, stoppedBy: 'threshold', durationMs: 2_000 });
    expect(run.clock.pendingTimers).toBe(0);
  });

  it('goes on while its threshold holds', async () => {
    const run = fakeRun({ ...shortTest, options: { thresholds: { iterations: [{ threshold: 'count<5', abortOnFail: true }] } } });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.ok);
    expect(running.final().results.stoppedBy).toBe('');
  });
});

describe('thresholds at the end of a run', () => {
  it.each([
    ['count<5', ExitCode.ok],
    ['count<4', ExitCode.thresholdsFailed],
  ])('%s over four iterations exits %i', async (threshold, exitCode) => {
    const run = fakeRun({ ...shortTest, options: { thresholds: { iterations: [threshold] } } });
    const running = run.start();
    expect(await running.finish()).toBe(exitCode);
    expect(running.final().results).toMatchObject({ exitCode, stoppedBy: '' });
    expect(running.final().results.thresholds.map((t) => t.ok)).toEqual([exitCode === ExitCode.ok]);
  });
});

describe('a run whose worker crashed', () => {
  it('stops, tears down, and exits with the internal error code', async () => {
    const run = fakeRun({ ...shortTest, scenarios: [constantVus(2, 10_000)] });
    const running = run.start();
    await run.clock.advance(1_500);
    // What the worker pool's `crashed` event does.
    run.context.stop.crashed(new Error('worker 0: exited unexpectedly with code 1'));
    expect(await running.finish()).toBe(ExitCode.internalError);
    expect(run.io.err()).toContain('ERROR a worker thread failed: worker 0: exited unexpectedly with code 1; stopping the test\n');
    expect(run.lifecycle.calls.map((call) => call.name)).toEqual(['setup', 'teardown']);
    expect(running.final().results).toMatchObject({ exitCode: ExitCode.internalError, stoppedBy: 'worker crash' });
  });
});

describe('a run that fails before its test starts', () => {
  it('reports a VU whose init code threw, runs neither setup nor teardown, and still finishes', async () => {
    const run = fakeRun({ ...shortTest, init: { failingVu: 2 } });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.scriptException);
    expect(run.io.err()).toContain('ERROR init code failed in VU 2: init blew up\n');
    expect(run.lifecycle.calls).toEqual([]);
    expect(running.final().results.exitCode).toBe(ExitCode.scriptException);
    expect([run.pool.stops, run.lifecycle.stopped]).toEqual([1, true]);
  });

  it('gives up on VU creation when stopped', async () => {
    const run = fakeRun({ ...shortTest, init: 'hangs' });
    const running = run.start();
    await run.clock.advance(1_000);
    run.io.raise('SIGINT');
    expect(await running.finish()).toBe(ExitCode.abortedBySignal);
    expect(run.io.err()).toContain('ERROR stopped before the test started\n');
    expect(run.lifecycle.calls).toEqual([]);
  });

  it('skips teardown when setup() throws', async () => {
    const run = fakeRun({ ...shortTest, lifecycle: { setup: { outcome: threw('setup exploded') } } });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.scriptException);
    expect(run.io.err()).toContain('ERROR setup() failed: setup exploded\n');
    expect(run.lifecycle.calls.map((call) => call.name)).toEqual(['setup']);
    expect(run.pool.iterations).toEqual([]);
    expect(run.pool.setupJson).toBeUndefined();
    expect(running.final().results.exitCode).toBe(ExitCode.scriptException);
  });

  it('ends setup() at options.setupTimeout', async () => {
    const run = fakeRun({ ...shortTest, options: { setupTimeout: '5s' }, lifecycle: { setup: { durationMs: 60_000 } } });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.scriptException);
    expect(run.io.err()).toContain('ERROR setup() did not finish within setupTimeout (5s)\n');
    expect(run.lifecycle.calls.map((call) => call.name)).toEqual(['setup']);
    expect(run.clock.now()).toBeLessThan(60_000);
  });

  it.each([
    ['a signal', ExitCode.abortedBySignal],
    ['a crashed worker', ExitCode.internalError],
  ] as const)('skips teardown when stopped by %s during setup()', async (by, exitCode) => {
    const run = fakeRun({ ...shortTest, lifecycle: { setup: { durationMs: 5_000 } } });
    const running = run.start();
    await run.clock.advance(1_000);
    if (by === 'a signal') run.io.raise('SIGINT');
    else run.context.stop.crashed(new Error('worker 0: gone'));
    expect(await running.finish()).toBe(exitCode);
    expect(run.io.err()).toContain('ERROR stopped during setup(), before the test started; teardown() is skipped\n');
    expect(run.lifecycle.calls.map((call) => call.name)).toEqual(['setup']);
    expect(run.pool.iterations).toEqual([]);
  });
});

describe('teardown', () => {
  it('that throws fails the run with the script exception code, after the test ran', async () => {
    const run = fakeRun({ ...shortTest, lifecycle: { teardown: { outcome: threw('teardown exploded') } } });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.scriptException);
    expect(run.io.err()).toContain('ERROR teardown() failed: teardown exploded\n');
    expect(running.final().results).toMatchObject({ exitCode: ExitCode.scriptException, stoppedBy: '' });
  });

  it('ends at options.teardownTimeout', async () => {
    const run = fakeRun({ ...shortTest, options: { teardownTimeout: '2s' }, lifecycle: { teardown: { durationMs: 60_000 } } });
    expect(await run.start().finish()).toBe(ExitCode.scriptException);
    expect(run.io.err()).toContain('ERROR teardown() did not finish within teardownTimeout (2s)\n');
  });
});

describe('outputs', () => {
  it('that cannot start end the run before any VU is created', async () => {
    const output = new RecordingOutput({ start: configError('IO', '--dashboard: port 5665 is in use') });
    const run = fakeRun({ ...shortTest, output });
    expect(await run.start().finish()).toBe(ExitCode.invalidConfig);
    expect(run.io.err()).toBe('ERROR --dashboard: port 5665 is in use\n');
    expect(run.pool.created).toEqual([]);
    expect(run.lifecycle.calls).toEqual([]);
    expect([run.pool.stops, output.closed, run.lifecycle.stopped]).toEqual([1, true, true]);
  });

  it('that fail to stop fail a run that passed', async () => {
    const run = fakeRun({ ...shortTest, output: new RecordingOutput({ stop: new Error('disk full') }) });
    expect(await run.start().finish()).toBe(ExitCode.outputFailed);
    expect(run.io.err()).toContain('ERROR --out record: disk full\n');
  });
});

describe('k6/execution in a run', () => {
  /** What the lifecycle VU reports of a function that called exec.test.abort(). */
  const aborted = { ok: false, aborted: true, error: { message: 'test aborted: no token', stack: '' } } as const;

  it('writes what wsk/execution reads into the shared memory: VUs initialised and active, the test and scenario start', async () => {
    const run = fakeRun({ ...shortTest, scenarios: [constantVus(2, 2_500, { startTimeMs: 1_000 })], lifecycle: { setup: { durationMs: 500 } } });
    const running = run.start();
    await run.clock.advance(2_000);
    const { shared } = run.context;
    expect([shared.vusInitialized, shared.vusActive, shared.testStartMs, shared.scenarioStartMs(0)]).toEqual([2, 2, EPOCH_MS, EPOCH_MS + 1_500]);
    expect(await running.finish()).toBe(ExitCode.ok);
    expect(shared.vusActive).toBe(0);
  });

  it('stops on an abort from an iteration, tears down, and exits 108 however the thresholds went', async () => {
    const run = fakeRun({ ...shortTest, scenarios: [constantVus(2, 10_000)], options: { thresholds: { iterations: ['count>100'] } } });
    const running = run.start();
    await run.clock.advance(1_500);
    // What the worker pool's `aborted` event does.
    run.context.stop.aborted('test aborted: no token at script.js:4:9');
    expect(await running.finish()).toBe(ExitCode.scriptAborted);
    expect(run.io.err()).toContain('ERROR test aborted: no token at script.js:4:9\n');
    expect(run.lifecycle.calls.map((call) => call.name)).toEqual(['setup', 'teardown']);
    expect(running.final().results).toMatchObject({ exitCode: ExitCode.scriptAborted, stoppedBy: 'script abort', durationMs: 1_500 });
  });

  it('skips teardown after an abort in setup(), and still writes the results', async () => {
    const run = fakeRun({ ...shortTest, lifecycle: { setup: { outcome: aborted } } });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.scriptAborted);
    expect(run.io.err()).toContain('ERROR test aborted: no token\nERROR stopped during setup(), before the test started; teardown() is skipped\n');
    expect(run.lifecycle.calls.map((call) => call.name)).toEqual(['setup']);
    expect(running.final().results.exitCode).toBe(ExitCode.scriptAborted);
  });

  it('exits 108 after an abort in teardown()', async () => {
    const run = fakeRun({ ...shortTest, lifecycle: { teardown: { outcome: aborted } } });
    const running = run.start();
    expect(await running.finish()).toBe(ExitCode.scriptAborted);
    expect(running.final().results).toMatchObject({ exitCode: ExitCode.scriptAborted, stoppedBy: 'script abort' });
  });

  it('exits 110 when marked failed, over failed thresholds but under an abort', async () => {
    const failed = fakeRun({ ...shortTest, options: { thresholds: { iterations: ['count>100'] } } });
    failed.context.shared.markFailed();
    const running = failed.start();
    expect(await running.finish()).toBe(ExitCode.markedAsFailed);
    expect(failed.io.err()).toContain('ERROR test run was marked as failed (exec.test.fail())\n');
    expect(running.final().results.exitCode).toBe(ExitCode.markedAsFailed);

    const both = fakeRun({ ...shortTest, lifecycle: { teardown: { outcome: aborted } } });
    both.context.shared.markFailed();
    expect(await both.start().finish()).toBe(ExitCode.scriptAborted);
  });
});
