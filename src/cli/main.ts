#!/usr/bin/env node
/** `chatspark-webhooks`: contract-testing tools for ChatSpark webhooks. */
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { UsageError, type Command, type CommandIO } from './args.js';
import { packageVersion } from './assets.js';
import { examplesCommand } from './examples.js';
import { listenCommand } from './listen.js';
import { describeUnexpected, guardProcess } from './output.js';
import { sendCommand } from './send.js';
import { validateCommand } from './validate.js';

const COMMANDS: Command[] = [validateCommand, listenCommand, sendCommand, examplesCommand];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: chatspark-webhooks <command> [options]

Contract-testing tools for ChatSpark webhooks.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run \`chatspark-webhooks <command> --help\` for a command's options.
Options: -h, --help   show this help;  -v, --version   print the version

Exit status: 0 pass, 1 fail, 2 usage error or unexpected error (one line on stderr; set
CHATSPARK_DEBUG=1 for its stack trace), 141 standard output closed by its reader (as with
\`| head\`): the command stops quietly, as a tool killed by SIGPIPE would.`;
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${help()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`chatspark-webhooks: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `chatspark-webhooks ${command.name}: ${error.message}\nRun \`chatspark-webhooks ${command.name} --help\` for usage.\n`,
      );
      return 2;
    }
    io.stderr.write(describeUnexpected(`chatspark-webhooks ${command.name}`, error));
    return 2;
  }
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

/** How messages of the process start: the tool's name, and the command's when there is one. */
function prefix(argv: string[]): string {
  const command = COMMANDS.find((c) => c.name === argv[0]);
  return command ? `chatspark-webhooks ${command.name}` : 'chatspark-webhooks';
}

if (isEntryPoint()) {
  guardProcess(() => prefix(process.argv.slice(2)));
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
  // Let buffered output drain, then exit with the code (a server may still hold the event loop).
  process.exitCode = code;
  if (process.stdout.writableLength === 0) process.exit(code);
  else process.stdout.once('drain', () => process.exit(code));
}
