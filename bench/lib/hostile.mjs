// Hostile bodies within the default 1 MiB body limit: each is invalid, and each is built to make a
// validator do as much work as the limit allows (huge arrays of invalid items, many invalid
// properties, deep nesting, long strings). `npm run bench` times rejecting each against JSON.parse
// of the same text; test/hardening-validators.test.ts checks each verdict and that the work stays
// bounded. Plain JavaScript with no imports, so both can load it before anything is built.

/** The receiver's default body limit, which every body here fits. */
export const BODY_LIMIT = 1024 * 1024;

const TIMESTAMP = '2026-02-24T12:00:00.000Z';

/** Repeats `unit` (joined by commas) as often as fits in `room` bytes; ASCII units only. */
function fill(unit, room) {
  const count = Math.floor((room + 1) / (unit.length + 1));
  return Array(count).fill(unit).join(',');
}

/** A body that is `prefix` + filler + `suffix`, the filler sized so the whole is just under the limit. */
function fitted(prefix, unit, suffix, { joiner = fill } = {}) {
  const room = BODY_LIMIT - prefix.length - suffix.length - 16;
  return `${prefix}${joiner(unit, room)}${suffix}`;
}

/** An agent.updated body's text up to `changes` and `more`; the body goes on with a filler and `]}}`. */
const agentUpdated = (more) =>
  `{"event":"agent.updated","timestamp":"${TIMESTAMP}","data":{"agentId":"ag_1","updatedAt":"${TIMESTAMP}","changes":${more}`;
/** A lead.captured body's text before a filler placed in `data` after `more`; the filler ends with `}}`. */
const lead = (more) =>
  `{"event":"lead.captured","timestamp":"${TIMESTAMP}","data":{"leadId":"lead_1","agentId":"ag_1","createdAt":"${TIMESTAMP}"${more}`;
const deep = (room) => {
  const depth = Math.floor((room - 1) / 2);
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
};
const deepObject = (room) => {
  const depth = Math.floor((room - 2) / 6);
  return `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;
};
/** Distinct names of `length` characters (at least), comma-separated, filling `room` bytes. */
const distinctNames = (room, length = 1) => {
  const names = [];
  let used = 0;
  for (let i = 0; used < room - length - 20; i++) {
    const name = `"${`f${i.toString(36)}`.padEnd(length, '_')}"`;
    names.push(name);
    used += name.length + 1;
  }
  return names.join(',');
};
const manyKeys = (prefix) => (room) => {
  const keys = [];
  let used = 0;
  for (let i = 0; used < room - 30; i++) {
    const key = `"${prefix}${i.toString(36)}":0`;
    keys.push(key);
    used += key.length + 1;
  }
  return keys.join(',');
};

/**
 * The hostile bodies, each `{ name, body, strict, keyword, path }`: `body` is the JSON text (under
 * {@link BODY_LIMIT} bytes), `strict` the mode it is checked in, and `keyword`/`path` its first
 * issue. Every one is invalid.
 */
export function hostileBodies() {
  return [
    {
      name: 'agent.updated, `changes` of ~350k empty strings',
      body: fitted(agentUpdated('['), '""', ']}}'),
      keyword: 'minLength',
      path: '/data/changes/0',
    },
    {
      name: 'agent.updated, `changes` of ~520k numbers',
      body: fitted(agentUpdated('['), '0', ']}}'),
      keyword: 'type',
      path: '/data/changes/0',
    },
    {
      name: 'agent.updated, `changes` of ~350k empty arrays',
      body: fitted(agentUpdated('['), '[]', ']}}'),
      keyword: 'type',
      path: '/data/changes/0',
    },
    {
      // Short names are interned by JSON.parse; longer ones are not, and cost the duplicate check
      // a hash each: both kinds.
      name: 'agent.updated, `changes` of ~130k distinct 5-character names, the first repeated last',
      body: fitted(agentUpdated('["dup",'), null, ',"dup"]}}', { joiner: (_unit, room) => distinctNames(room, 5) }),
      keyword: 'uniqueItems',
      path: '/data/changes',
    },
    {
      name: 'agent.updated, `changes` of ~70k distinct 12-character names, the first repeated last',
      body: fitted(agentUpdated('["dup",'), null, ',"dup"]}}', { joiner: (_unit, room) => distinctNames(room, 12) }),
      keyword: 'uniqueItems',
      path: '/data/changes',
    },
    {
      name: 'agent.updated, `changes` of ~15k distinct 64-character names, the first repeated last',
      body: fitted(agentUpdated('["dup",'), null, ',"dup"]}}', { joiner: (_unit, room) => distinctNames(room, 64) }),
      keyword: 'uniqueItems',
      path: '/data/changes',
    },
    {
      name: 'agent.updated, `changes` of 60 distinct 17,000-character names, the first repeated last',
      body: agentUpdated(
        `["dup",${Array.from({ length: 60 }, (_, i) => `"${'x'.repeat(16_994)}${100_000 + i}"`).join(',')},"dup"]}}`,
      ),
      keyword: 'uniqueItems',
      path: '/data/changes',
    },
    {
      name: 'agent.updated, `changes` nested ~520k arrays deep',
      body: fitted(agentUpdated('['), null, ']}}', { joiner: (_unit, room) => deep(room) }),
      keyword: 'type',
      path: '/data/changes/0',
    },
    {
      name: 'lead.captured, `name` nested ~175k objects deep',
      body: fitted(lead(',"name":'), null, '}}', { joiner: (_unit, room) => deepObject(room) }),
      keyword: 'type',
      path: '/data/name',
    },
    {
      name: 'lead.captured, a 1 MiB `leadId`',
      body: fitted(
        '{"event":"lead.captured","timestamp":"' + TIMESTAMP + '","data":{"leadId":"',
        null,
        `","agentId":"ag_1","createdAt":"${TIMESTAMP}"}}`,
        {
          joiner: (_unit, room) => 'a'.repeat(room),
        },
      ),
      keyword: 'maxLength',
      path: '/data/leadId',
    },
    {
      name: 'lead.captured, a 1 MiB `email`',
      body: fitted(lead(',"email":"'), null, '@example.com"}}', { joiner: (_unit, room) => 'a'.repeat(room) }),
      keyword: 'format',
      path: '/data/email',
    },
    {
      name: 'lead.captured, a 1 MiB `timestamp` fraction that ends badly',
      body: fitted(
        '{"event":"lead.captured","timestamp":"2026-02-24T12:00:00.',
        null,
        `X","data":{"leadId":"lead_1","agentId":"ag_1","createdAt":"${TIMESTAMP}"}}`,
        { joiner: (_unit, room) => '1'.repeat(room) },
      ),
      keyword: 'format',
      path: '/timestamp',
    },
    {
      name: 'lead.captured, ~80k unknown properties in `data` (strict mode)',
      body: fitted(lead(','), null, '}}', { joiner: (_unit, room) => manyKeys('k')(room) }),
      strict: true,
      keyword: 'additionalProperties',
      path: '/data/k0',
    },
    {
      name: 'lead.captured, ~80k unknown properties in the envelope and a wrong `data` (strict mode)',
      body: fitted('{"event":"lead.captured","timestamp":"' + TIMESTAMP + '","data":[],', null, '}', {
        joiner: (_unit, room) => manyKeys('k')(room),
      }),
      strict: true,
      keyword: 'type',
      path: '/data',
    },
    {
      name: 'lead.captured, `leadId` repeated ~90k times with a wrong type (the last wins)',
      body: fitted(lead(','), '"leadId":1', '}}'),
      keyword: 'type',
      path: '/data/leadId',
    },
    {
      name: 'an array of ~520k numbers as the whole body',
      body: fitted('[', '0', ']'),
      keyword: 'type',
      path: '',
    },
  ];
}
