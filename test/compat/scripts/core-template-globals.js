// Code compiled at run time that assigns to undeclared variables, as report templates built with
// `new Function` do in sloppy mode. In k6 each VU has a global object of its own; so does wsk's
// `--isolation context`, where this runs as in k6.
import { check } from 'k6';

const render = new Function('items', 'count = 0; for (const item of items) { count += item; } return "total " + count;');

export const options = { vus: 2, iterations: 4 };

export default function () {
  const text = render([1, 2, 3]);
  check(text, { 'template renders': (t) => t === 'total 6' });
}

export function handleSummary(data) {
  return { stdout: `rendered ${render([data.metrics.iterations.values.count])}\n` };
}
