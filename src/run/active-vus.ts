/**
 * The `vus` gauge, sampled once a second as k6 does, and at every new peak. A sample is the most VUs
 * active since the one before, so the last value is the load while the test ran, not a moment of
 * the final ramp-down when VUs finish their last iterations one by one.
 */
import { Metric } from '../metrics/builtin.js';
import type { RunRecorder } from './recorder.js';

export class ActiveVus {
  #active = 0;
  #peak = 0;
  #sinceSample = 0;

  constructor(private readonly recorder: Pick<RunRecorder, 'setGauge'>) {}

  change(delta: number): void {
    this.#active += delta;
    this.#sinceSample = Math.max(this.#sinceSample, this.#active);
    if (this.#active > this.#peak) {
      this.#peak = this.#active;
      this.sample();
    }
  }

  sample(): void {
    this.recorder.setGauge(Metric.vus, Math.max(this.#sinceSample, this.#active));
    this.#sinceSample = this.#active;
  }
}
