/**
 * Exit codes follow k6's, so CI pipelines that act on them port over unchanged.
 */
export const ExitCode = {
  ok: 0,
  /** A threshold failed, at the end or early through abortOnFail (k6 uses 99 for both). */
  thresholdsFailed: 99,
  /** The run finished but an output (a file of --out, --report, --summary-export) could not be written. */
  outputFailed: 103,
  invalidConfig: 104,
  abortedBySignal: 105,
  scriptException: 107,
  /** The script stopped the test itself (exec.test.abort()). */
  scriptAborted: 108,
  /** wsk itself failed (a worker thread died, a bug): k6's 109. */
  internalError: 109,
  /** The script marked the test failed (exec.test.fail()) and it ran to its end. */
  markedAsFailed: 110,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export type ErrorCode =
  | 'INVALID_OPTION'
  | 'INVALID_DURATION'
  | 'INVALID_THRESHOLD'
  | 'UNKNOWN_METRIC'
  | 'SCRIPT_NOT_FOUND'
  | 'SCRIPT_SYNTAX'
  | 'SCRIPT_TYPE'
  | 'SCRIPT_EXCEPTION'
  | 'INVALID_CLI'
  | 'LOCK_FILE'
  | 'IO';

/**
 * The one error type wsk raises for problems a user can fix. The message is one line that names
 * the bad value, where it came from and what is allowed; the CLI prints it as is, never a stack.
 */
export class WskError extends Error {
  override readonly name = 'WskError';
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { exitCode?: ExitCodeValue; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.invalidConfig;
    this.hint = options.hint;
  }
}

/** A problem with options, CLI flags or thresholds: exit 104. */
export function configError(code: ErrorCode, message: string, hint?: string): WskError {
  return new WskError(code, message, { exitCode: ExitCode.invalidConfig, ...(hint === undefined ? {} : { hint }) });
}

/** A problem in the user's script (syntax, init, setup): exit 107. */
export function scriptError(code: ErrorCode, message: string, hint?: string): WskError {
  return new WskError(code, message, { exitCode: ExitCode.scriptException, ...(hint === undefined ? {} : { hint }) });
}

/** Quotes a user-supplied value for an error message: strings in double quotes, the rest as JSON. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
