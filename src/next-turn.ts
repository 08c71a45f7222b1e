/**
 * Coalesces many requests into one call of `work` on the next event-loop turn: how wsk batches
 * everything that crosses a thread or sandbox boundary.
 */
export function onNextTurn(work: () => void): () => void {
  let scheduled = false;
  const run = (): void => {
    scheduled = false;
    work();
  };
  return () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(run);
  };
}
