/** Command-line parsing on node:util's parseArgs, with usage errors that exit 2. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isWebhookSecret } from '../signature.js';

/** A mistake in how a command was called: printed with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The streams a command writes to and reads from; tests pass their own. */
export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

/** A command: its help text and its run function, which resolves to the exit code. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[], io: CommandIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;
type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP_OPTION; allowPositionals: true; strict: true }>
>;

/** Parses `argv` strictly; unknown options and missing values become a {@link UsageError}. */
export function parse<O extends Options>(argv: string[], options: O): Parsed<O> {
  try {
    return parseArgs<{ args: string[]; options: O & typeof HELP_OPTION; allowPositionals: true; strict: true }>({
      args: argv,
      options: { ...HELP_OPTION, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '.') : String(error),
    );
  }
}

/** A whole number option within bounds, or a {@link UsageError} naming the option. */
export function integerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${value}".`);
  }
  return Number(value);
}

/** A positive number of seconds (decimals allowed), or a {@link UsageError}. */
export function secondsOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds <= 0)
    throw new UsageError(`--${name} must be a positive number of seconds, got "${value}".`);
  return seconds;
}

/** The --secret values (repeatable), each checked now: a secret that is not base64 is a usage error, not 401s later. */
export function secretsOption(values: string[] | undefined): string[] {
  const secrets = values ?? [];
  if (!secrets.every(isWebhookSecret))
    throw new UsageError('--secret must be "whsec_" followed by base64 (or bare base64) of at least one byte.');
  return secrets;
}
