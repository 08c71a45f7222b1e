/**
 * Live progress: on a TTY one line per scenario redrawn a few times a second; otherwise a plain
 * line every few seconds, so CI logs stay readable.
 */
import type { Output } from '../io.js';
import type { Clock, IterationResult, PlannedScenario } from '../types.js';
import { scenarioDurationMs } from '../executors/plan.js';
import { formatDuration } from '../summary/format.js';

const TTY_INTERVAL_MS = 250;
const PLAIN_INTERVAL_MS = 10_000;
const BAR_WIDTH = 24;

interface ScenarioProgress {
  readonly scenario: PlannedScenario;
  readonly durationMs: number;
  startedAt: number | undefined;
  finishedAt: number | undefined;
  active: number;
  completed: number;
  failed: number;
  interrupted: number;
}

export class Progress {
  readonly #out: Output;
  readonly #clock: Clock;
  readonly #rows: Map<string, ScenarioProgress>;
  /** The same rows by scenario index. */
  readonly #byIndex: ScenarioProgress[];
  readonly #timer: NodeJS.Timeout | undefined;
  #drawnLines = 0;

  /** A line of headline metrics under the scenarios ('' when there is nothing to say yet). */
  readonly #headline: () => string;

  constructor(out: Output, scenarios: readonly PlannedScenario[], clock: Clock, quiet: boolean, headline: () => string = () => '') {
    this.#out = out;
    this.#headline = headline;
    this.#clock = clock;
    this.#rows = new Map(
      scenarios.map((scenario) => [
        scenario.name,
        { scenario, durationMs: scenarioDurationMs(scenario), startedAt: undefined, finishedAt: undefined, active: 0, completed: 0, failed: 0, interrupted: 0 },
      ]),
    );
    this.#byIndex = [...this.#rows.values()];
    if (quiet) return;
    this.#timer = setInterval(() => this.#draw(), out.isTTY ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Counts `count` iterations of the scenario with index `scenario` (in the order given to the constructor). */
  iterationEnded(scenario: number, result: IterationResult, count = 1): void {
    const row = this.#byIndex[scenario];
    if (row !== undefined) row[result] += count;
  }

  started(scenario: PlannedScenario): void {
    this.#rows.get(scenario.name)!.startedAt = this.#clock.now();
  }

  finished(scenario: PlannedScenario): void {
    this.#rows.get(scenario.name)!.finishedAt = this.#clock.now();
  }

  active(scenario: PlannedScenario, delta: number): void {
    this.#rows.get(scenario.name)!.active += delta;
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#draw();
    if (this.#out.isTTY) this.#out.write('\n');
  }

  /** One line per scenario, e.g. `default   [=====>      ] 12.0s/30s  20 VUs  1534 iterations (2 failed)`. */
  lines(): string[] {
    const now = this.#clock.now();
    const width = Math.max(...[...this.#rows.keys()].map((name) => name.length));
    return [...this.#rows.values()].map((row) => {
      const elapsed = row.startedAt === undefined ? 0 : (row.finishedAt ?? now) - row.startedAt;
      const fraction = row.finishedAt !== undefined ? 1 : row.durationMs > 0 ? Math.min(1, elapsed / row.durationMs) : 0;
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? (fraction >= 1 ? '=' : '>') : ''}${' '.repeat(BAR_WIDTH - filled)}]`;
      const state = row.startedAt === undefined ? 'waiting' : row.finishedAt !== undefined ? 'done' : `${formatDuration(Math.floor(elapsed / 100) * 100)}/${formatDuration(row.durationMs)}`;
      const extra = [row.failed > 0 ? `${row.failed} failed` : '', row.interrupted > 0 ? `${row.interrupted} interrupted` : ''].filter(Boolean).join(', ');
      return `${row.scenario.name.padEnd(width)} ${bar} ${state.padEnd(14)} ${String(row.active).padStart(5)} VUs  ${row.completed + row.failed} iterations${extra === '' ? '' : ` (${extra})`}`;
    });
  }

  #draw(): void {
    const headline = this.#headline();
    const lines = headline === '' ? this.lines() : [...this.lines(), headline];
    if (!this.#out.isTTY) {
      this.#out.write(lines.map((line) => `running: ${line}\n`).join(''));
      return;
    }
    const up = this.#drawnLines > 1 ? `\x1b[${this.#drawnLines - 1}A` : '';
    this.#out.write(`${up}\r${lines.map((line) => `\x1b[2K${line}`).join('\n')}`);
    this.#drawnLines = lines.length;
  }
}
