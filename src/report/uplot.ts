/**
 * uPlot (MIT), the chart library the report inlines: its script, stylesheet and license read from
 * the installed package, so the report needs no network to draw. The only module that touches uPlot.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface UplotAssets {
  /** The library script, its license in a leading comment. */
  readonly script: string;
  readonly css: string;
}

let cached: UplotAssets | undefined;

export function uplotAssets(): UplotAssets {
  cached ??= loadAssets();
  return cached;
}

function loadAssets(): UplotAssets {
  const require = createRequire(import.meta.url);
  const scriptPath = require.resolve('uplot/dist/uPlot.iife.min.js');
  const script = readFileSync(scriptPath, 'utf8');
  const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  const license = readFileSync(path.join(path.dirname(scriptPath), '..', 'LICENSE'), 'utf8');
  // Inlined text must not end the element it sits in; a new uPlot release that did would be a wsk bug.
  if (/<\/script|<!--/i.test(script) || /<\/style/i.test(css) || license.includes('*/')) {
    throw new Error('wsk: the installed uPlot cannot be inlined into a <script> or <style> element');
  }
  return { script: `/*\n${license.trim()}\n*/\n${script}`, css };
}
