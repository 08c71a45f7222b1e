/**
 * The command line: parses arguments into typed requests and hands them to the API with the
 * process's I/O. It prints nothing itself but usage errors, and owns the mapping to exit codes.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, WskError, configError, quote, type ExitCodeValue } from '../errors.js';
// The targets' servers (ws, http) load only for `wsk serve`: see the command below.
import { parseServeFlags } from '../serve/flags.js';
import { TARGET_KINDS, type TargetKind } from '../serve/types.js';
import { processIo, type Io } from '../io.js';
// bin/wsk.js takes both from the bundle of this module.
export { exitWhenIdle } from '../io.js';
import { runTest } from '../run/run.js';
import { inspectScript } from '../run/inspect.js';
import { reportCommand } from '../report/command.js';
import { packageVersion } from '../package-root.js';
import { parseCliFlags, type CliFlags } from './flags.js';
import { resolveSettings } from '../options/sources.js';

export function version(): string {
  return packageVersion();
}

/** Runs the CLI with `argv` (without node and the script path); resolves with the exit code. */
export async function cli(argv: readonly string[], io: Io = processIo()): Promise<ExitCodeValue> {
  let result: Promise<ExitCodeValue> | undefined;
  const program = new Command('wsk')
    .description('Load testing for WebSocket and HTTP services, scripted in TypeScript')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text), outputError: () => {} })
    .showHelpAfterError(false);

  const addRunFlags = (command: Command): Command =>
    command
      .argument('<script>', 'the test script (.ts or .js)')
      .option('-u, --vus <n>', 'number of VUs (replaces the script\'s scenarios, as in k6)')
      .option('-d, --duration <duration>', 'test duration, e.g. 30s, 5m')
      .option('-i, --iterations <n>', 'total iterations shared by the VUs')
      .option('-s, --stage <duration:target>', 'a ramping stage, e.g. 30s:50 (repeatable)', collect, [])
      .option('-e, --env <KEY=VALUE>', 'set __ENV.KEY (repeatable)', collect, [])
      .option('--typecheck', 'type-check the script with the TypeScript compiler before running')
      .option('--offline', 'bundle remote modules (imports by URL) from the module cache only, never fetching')
      .option('--frozen', 'refuse remote modules wsk.lock.json does not name instead of adding them (the default when CI is set)')
      .addOption(new Option('--isolation <level>', 'VU isolation (default: compartment)').choices(['compartment', 'context']))
      .option('-c, --config <file>', 'the config file (default: wsk.yaml, wsk.yml or wsk.json beside the script)')
      .option('-p, --profile <name>', 'overlay a profile of the config file or of options.profiles (smoke, load, ...)')
      .option('--env-file <file>', 'read variables for __ENV and the config file from a dotenv file')
      .option('--scenario <name>', 'run only this scenario (repeatable)', collect, [])
      .option('--tags <tags>', 'run only scenarios with one of these tags (name, value or name=value; comma-separated)', collect, [])
      .option('--exclude-tags <tags>', 'leave out scenarios with one of these tags', collect, [])
      .option('--verbose', 'also print console.debug output');

  addRunFlags(program.command('run'))
    .description('run a test')
    .option('--summary-export <file>', 'write the end-of-test summary data as JSON')
    .option('--summary-mode <mode>', 'the end-of-test summary: compact (default), full (adds each group and scenario) or legacy (as before k6 1.0)')
    .option('-o, --out <kind=target>', 'write results: json=FILE, csv=PREFIX, junit=FILE, markdown=FILE, or serve prometheus[=HOST:PORT] (repeatable)', collect, [])
    .option('--report <file>', 'write the HTML report')
    .option('--bucket <duration>', 'time-series bucket of the results and reports (default 1s)')
    .option('--dashboard [port]', 'serve a live web dashboard on 127.0.0.1 (default port 5665; host:port allowed)')
    .option('-q, --quiet', 'no progress output')
    .option('--no-color', 'no ANSI colours in the summary')
    .option('-w, --workers <n>', 'worker threads hosting VUs (default: one per core)')
    .option(
      '--serve <target>',
      `start a built-in target (${TARGET_KINDS.join(', ')}) for the run, with its flags, e.g. "chat --drop 0.01" (repeatable); its URL is __ENV.WSK_TARGET_<KIND>, the first's also __ENV.WSK_TARGET`,
      collect,
      [],
    )
    .option('--call-timeout <duration>', 'longest a VU may run without yielding before it is stopped (default: 10s)')
    .option('--memory-limit <MB>', 'heap limit of one sandbox isolate (default: 2048)')
    .option('--vus-per-isolate <n>', 'VUs sharing one isolate (default: 10000 with compartment isolation, 2000 with context)')
    .action((script: string, flags: Record<string, unknown>) => {
      result = guard(io, () => {
        const parsed = withFlags(script, flags);
        return runTest({ script, ...parsed.script, ...parsed.run }, io);
      });
    });

  addRunFlags(program.command('inspect'))
    .description('print the resolved options and execution plan as JSON')
    .action((script: string, flags: Record<string, unknown>) => {
      result = guard(io, async () => {
        const parsed = withFlags(script, flags);
        io.stdout.write(`${JSON.stringify(await inspectScript({ script, ...parsed.script }, io), null, 2)}\n`);
        return ExitCode.ok;
      });
    });

  program
    .command('serve')
    .description('run a built-in target server (echo, chat or voice) on 127.0.0.1 until Ctrl+C')
    .argument('<kind>', `the target: ${TARGET_KINDS.join(', ')}`)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '0')
    .option('--seed <n>', 'seed of the chat target\'s random choices')
    .option('--parts <n>', 'chat: reply parts per request')
    .option('--delay <duration>', 'chat: delay between reply parts')
    .option('--jitter <duration>', 'chat: random spread of that delay')
    .option('--drop <fraction>', 'chat: share of replies never sent (0..1)')
    .option('--garble <fraction>', 'chat: share of reply parts sent as invalid JSON (0..1)')
    .option('--processing-delay <duration>', 'voice: delay between the end of an utterance and the reply')
    .option('--silence <duration>', 'voice: silent audio that ends an utterance')
    .option('--reply-audio <duration>', 'voice: length of the audio reply')
    .action((kind: string, flags: Record<string, unknown>) => {
      result = guard(io, async () => {
        if (!(TARGET_KINDS as readonly string[]).includes(kind)) {
          throw configError('INVALID_CLI', `serve: unknown target ${quote(kind)}; allowed: ${TARGET_KINDS.join(', ')}`);
        }
        const stopped = new Promise<void>((resolve) => {
          const off = io.onSignal(() => {
            off();
            resolve();
          });
        });
        const { serveUntil } = await import('../serve/serve.js');
        await serveUntil(kind as TargetKind, parseServeFlags(flags), io.stdout, stopped);
        return ExitCode.ok;
      });
    });

  program
    .command('report')
    .description('render the HTML report of a saved results file (from --out json=FILE)')
    .argument('<results>', 'the results file')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .action((results: string, flags: { output: string }) => {
      result = guard(io, () => reportCommand(results, flags.output, io));
    });

  program
    .command('version')
    .description('print the wsk version')
    .action(() => {
      io.stdout.write(`wsk ${version()} (node ${process.version})\n`);
      result = Promise.resolve(ExitCode.ok);
    });

  /** The flags, with what the config file, its profile, the --env-file and the environment add. */
  const withFlags = (script: string, flags: Record<string, unknown>): CliFlags => {
    const settings = resolveSettings({ script, cwd: io.cwd, flags, env: io.env });
    const parsed = parseCliFlags(settings.flags, io.env, io.stdout.isTTY, settings.sources);
    return { ...parsed, script: { ...parsed.script, profile: settings.profile, config: settings.config, baseEnv: settings.baseEnv } };
  };
  try {
    await program.parseAsync(bareDashboardLast(argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.ok;
      io.stderr.write(`${error.message.replace(/^error: /, 'ERROR ')}; run "wsk --help" for usage\n`);
      return ExitCode.invalidConfig;
    }
    if (error instanceof WskError) {
      io.stderr.write(`ERROR ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
  if (result === undefined) {
    io.stdout.write(program.helpInformation());
    return ExitCode.ok;
  }
  return result;
}


/** User errors print as one line with their exit code; anything else is a wsk bug and keeps its stack. */
async function guard(io: Io, work: () => Promise<ExitCodeValue>): Promise<ExitCodeValue> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof WskError) {
      io.stderr.write(`ERROR ${error.message}\n${error.hint === undefined ? '' : `hint: ${error.hint}\n`}`);
      return error.exitCode;
    }
    io.stderr.write(`ERROR internal error in wsk (please report it): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.internalError;
  }
}

/**
 * `--dashboard` takes an optional port, so `wsk run --dashboard script.ts` would read the script as
 * the port: a bare `--dashboard` followed by something that is not a port or host:port moves to the
 * end, where it takes no value.
 */
export function bareDashboardLast(argv: readonly string[]): string[] {
  const out: string[] = [];
  let bare = false;
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (argv[i] === '--dashboard' && next !== undefined && !next.startsWith('-') && !/^(?:\S*:)?\d+$/.test(next)) {
      bare = true;
      continue;
    }
    out.push(argv[i]!);
  }
  if (bare) out.push('--dashboard');
  return out;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
