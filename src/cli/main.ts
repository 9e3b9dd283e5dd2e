// The txbot CLI entry: builds the commander program and is the only place that catches every error.

import { Command, CommanderError } from 'commander';
import { TxbotError, ConfigError, DataError } from '../domain/index.ts';
import { redactSecrets } from '../log/index.ts';
import { COMMANDS } from './commands/manifest.ts';

/** The command named in argv (the first argument that is not an option), if any. */
function commandOf(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((a) => !a.startsWith('-'));
}

/**
 * Builds the program: the command named in `argv` is loaded and registered in full; the others only
 * by name and summary (for the help listing), so nothing unrelated is imported.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command();
  program
    .name('txbot')
    .description('Regime-aware intraday futures trading for TopstepX (ProjectX Gateway)')
    .option('--verbose', 'print stack traces for errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const wanted = commandOf(argv);
  for (const c of COMMANDS) {
    if (c.name === wanted) (await c.load())(program);
    else program.command(c.name).description(c.summary);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

function printError(e: unknown, verbose: boolean): number {
  if (e instanceof TxbotError) {
    process.stderr.write(`txbot: ${redactSecrets(e.message)}\n`);
    if ((e instanceof ConfigError || e instanceof DataError) && e.problems.length) {
      for (const p of e.problems) process.stderr.write(`  ${redactSecrets(p)}\n`);
    }
    if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
    if (verbose && e.stack) process.stderr.write(`${redactSecrets(e.stack)}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`txbot: internal error: ${redactSecrets(err.message)}\n${redactSecrets(err.stack ?? '')}\n`);
  return 70;
}

/** Runs the CLI with argv (process.argv shape) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed help/usage; help and version are exit 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    return printError(e, verbose);
  }
}
