/**
 * The run's outputs, driven in the order of their table: started before the test, handed every
 * batch, stopped with the final results, closed. An output that fails to stop is reported in one
 * line and counted (the run then exits outputFailed); the others still stop.
 */
import type { Io } from '../io.js';
import type { MetricBatch } from '../metrics/sink.js';
import type { FinalResults, Output, OutputContext } from './types.js';

export class OutputSet {
  readonly #outputs: readonly Output[];
  /** Only the outputs that take batches, so a run without any pays nothing per batch. */
  readonly #adders: readonly Output[];

  constructor(outputs: readonly Output[]) {
    this.#outputs = outputs;
    this.#adders = outputs.filter((output) => output.add !== undefined);
  }

  get names(): string[] {
    return this.#outputs.map((output) => output.name);
  }

  /** Starts each in order; the first that throws stops the start (close() still frees the started ones). */
  async start(context: OutputContext): Promise<void> {
    for (const output of this.#outputs) await output.start?.(context);
  }

  add(batch: MetricBatch): void {
    for (const output of this.#adders) output.add?.(batch);
  }

  /** Stops each in order; resolves with how many failures were reported on `io.stderr`. */
  async stop(final: FinalResults, io: Pick<Io, 'stderr'>): Promise<number> {
    let failures = 0;
    const failed = (line: string): void => {
      io.stderr.write(`ERROR ${line}\n`);
      failures++;
    };
    for (const output of this.#outputs) {
      try {
        await output.stop?.(final, failed);
      } catch (error) {
        failed(`${output.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }

  /** Closes every output, each once, even when one throws; rethrows the first error after. */
  async close(): Promise<void> {
    let first: unknown;
    for (const output of this.#outputs) {
      try {
        await output.close?.();
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
  }
}
