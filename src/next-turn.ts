/**
 * Coalesces many requests into one call of `work` on the next event-loop turn: how wsk batches
 * everything that crosses a thread or sandbox boundary. `schedule` runs a callback on the next turn
 * (tests hand in their virtual turns).
 */
export function onNextTurn(work: () => void, schedule: (run: () => void) => void = setImmediate): () => void {
  let scheduled = false;
  const run = (): void => {
    scheduled = false;
    work();
  };
  return () => {
    if (scheduled) return;
    scheduled = true;
    schedule(run);
  };
}
