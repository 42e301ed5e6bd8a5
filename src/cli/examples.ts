/** `chatspark-webhooks examples`: prints the reference's example payloads. */
import { WEBHOOK_EVENT_TYPES } from '../../generated/validators.js';
import { isWebhookEventType } from '../type-guards.js';
import { parse, UsageError, type Command } from './args.js';
import { loadExamples } from './assets.js';

const HELP = `Usage: chatspark-webhooks examples [options] [event]

Prints the reference's example payloads: all of them, or those of one event (message.sent has
two, one per role). One example prints as a JSON document, several as a JSON array.

Options:
  --ndjson      one example per line, ready for \`validate -\` or a load generator
  -h, --help    show this help

Examples:
  chatspark-webhooks examples lead.captured
  chatspark-webhooks examples --ndjson > examples.ndjson`;

export const examplesCommand: Command = {
  name: 'examples',
  summary: "print the reference's example payloads",
  help: HELP,
  // eslint-disable-next-line @typescript-eslint/require-await -- async by the Command contract: a usage error rejects, never throws synchronously
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ndjson: { type: 'boolean' } });
    if (values.help) {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError('Name at most one event.');
    const [name] = positionals;
    if (name !== undefined && !isWebhookEventType(name)) {
      throw new UsageError(`Unknown event "${name}"; expected one of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`);
    }
    // In the reference's order of events, then by file name.
    const order = (event: string) => (WEBHOOK_EVENT_TYPES as readonly string[]).indexOf(event);
    const payloads = loadExamples()
      .filter((e) => name === undefined || e.payload.event === name)
      .sort((a, b) => order(a.payload.event) - order(b.payload.event) || a.name.localeCompare(b.name))
      .map((e) => e.payload);
    if (values.ndjson) io.stdout.write(payloads.map((p) => `${JSON.stringify(p)}\n`).join(''));
    else io.stdout.write(`${JSON.stringify(payloads.length === 1 ? payloads[0] : payloads, null, 2)}\n`);
    return 0;
  },
};
