/**
 * `--out junit=file.xml`: thresholds and checks as test cases, in the JUnit XML that Jenkins and
 * GitLab read: <testsuites> holding a "thresholds" suite (a case per threshold, classname = the
 * metric key, name = the expression) and a "checks" suite (a case per check, classname = the group
 * path, "(root)" outside any group). Failures carry the observed value in their message.
 */
import { aggregationOf, formatObserved } from './format.js';
import type { CheckResult, RunResults, ThresholdResult } from './types.js';

const ROOT_GROUP = '(root)';

interface TestCase {
  readonly classname: string;
  readonly name: string;
  /** The failure message; undefined when the case passed. */
  readonly failure: string | undefined;
  readonly failureType: string;
}

export function resultsJunit(results: RunResults): string {
  const thresholds = results.thresholds.map((threshold) => thresholdCase(threshold, results));
  const checks = results.checks.map(checkCase);
  const cases = [...thresholds, ...checks];
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const seconds = (results.durationMs / 1000).toFixed(3);
  // Jenkins' schema wants a timestamp without a zone; the run's times are UTC.
  const timestamp = results.startedAt.slice(0, 19);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="wsk" tests="${cases.length}" failures="${failures}" errors="0" time="${seconds}">`,
    ...suite('thresholds', thresholds, seconds, timestamp),
    ...suite('checks', checks, seconds, timestamp),
    '</testsuites>',
    '',
  ].join('\n');
}

function thresholdCase(threshold: ThresholdResult, results: RunResults): TestCase {
  const { key, expression, ok, observed } = threshold;
  const metric = results.metrics[key] ?? results.metrics[threshold.metric];
  const aggregation = aggregationOf(expression);
  const seen =
    observed === null
      ? `no samples of ${key}`
      : `observed ${aggregation}=${formatObserved(observed, aggregation, metric?.type, metric?.contains ?? 'default')}`;
  return { classname: key, name: expression, failure: ok ? undefined : `${seen}, threshold ${expression}`, failureType: 'threshold' };
}

function checkCase({ group, name, passes, fails }: CheckResult): TestCase {
  const failure = fails === 0 ? undefined : `${fails} of ${passes + fails} failed`;
  return { classname: group === '' ? ROOT_GROUP : group, name, failure, failureType: 'check' };
}

function suite(name: string, cases: readonly TestCase[], seconds: string, timestamp: string): string[] {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const open =
    `  <testsuite name="${name}" tests="${cases.length}" failures="${failures}" errors="0" skipped="0"` +
    ` time="${seconds}" timestamp="${timestamp}">`;
  return [open, ...cases.map(testCase), '  </testsuite>'];
}

function testCase({ classname, name, failure, failureType }: TestCase): string {
  const open = `    <testcase classname="${escapeXml(classname)}" name="${escapeXml(name)}" time="0"`;
  if (failure === undefined) return `${open}/>`;
  const message = escapeXml(failure);
  return `${open}>\n      <failure message="${message}" type="${failureType}">${message}</failure>\n    </testcase>`;
}

/**
 * Text for an attribute or element: the five XML entities, line breaks and tabs as character
 * references (attribute values would normalise them to spaces), and characters XML 1.0 cannot
 * hold (other control characters, lone surrogates) as U+FFFD.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"'\t\n\r]/g, (char) => XML_ENTITIES[char] ?? char);
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
