// The payload mixes the benchmark times: valid events of all nine types (from the package's own
// seeded generator, which varies every field the contract lets vary and adds unknown properties),
// and invalid ones (the invalid test vectors, plus each generated event with one rule broken).
// The generator's own PRNG, so the same seed gives the same mixes.
import { createPayloadGenerator, prng } from '../../dist/cli/payloads.js';
import { loadVectors } from '../../dist/cli/assets.js';
import { WEBHOOK_EVENT_TYPES } from '../../dist/index.js';

/** `perEvent` valid payloads of each of the nine events, interleaved by event. */
export function validMix(perEvent, seed = 2026) {
  const generator = createPayloadGenerator({ seed });
  const out = [];
  for (let i = 0; i < perEvent; i++) for (const event of WEBHOOK_EVENT_TYPES) out.push(generator.next(event));
  return out;
}

// One broken rule per payload, chosen by the kind of field.
const BREAKS = {
  missing: (obj, key) => {
    delete obj[key];
  },
  wrongType: (obj, key) => {
    obj[key] = typeof obj[key] === 'number' ? 'forty-two' : 42;
  },
  badDate: (obj, key) => {
    obj[key] = '2026-02-30T12:00:00Z';
  },
  badEmail: (obj, key) => {
    obj[key] = 'jane@';
  },
  badId: (obj, key) => {
    obj[key] = 'has a space';
  },
  badEnum: (obj, key) => {
    obj[key] = 'system';
  },
  unknownEvent: (obj) => {
    obj.event = 'lead.deleted';
  },
};

// Optional fields: removing them breaks nothing.
const OPTIONAL = new Set(['name', 'email', 'phone', 'companyName', 'message']);

function breaksFor(key, value) {
  if (key === 'event') return ['unknownEvent', 'wrongType'];
  if (/At$|^timestamp$/.test(key)) return ['missing', 'wrongType', 'badDate'];
  if (key === 'email') return typeof value === 'string' ? ['badEmail', 'wrongType'] : ['wrongType'];
  if (/Id$/.test(key) && typeof value === 'string') return ['missing', 'wrongType', 'badId'];
  if (key === 'role' || key === 'status') return ['missing', 'badEnum'];
  return ['missing', 'wrongType'];
}

/**
 * The invalid default-mode test vectors, then `perEvent` generated events of each type with
 * one rule broken in the envelope or in `data`, so every payload is invalid for one clear reason.
 */
export function invalidMix(perEvent, seed = 2027) {
  const out = [];
  for (const vector of loadVectors()) if (!vector.valid && vector.mode !== 'strict') out.push(vector.payload);
  const random = prng(seed);
  const generator = createPayloadGenerator({ seed, strict: true });
  for (let i = 0; i < perEvent; i++) {
    for (const event of WEBHOOK_EVENT_TYPES) {
      const payload = generator.next(event);
      const inData = random() < 0.8;
      const target = inData ? payload.data : payload;
      const keys = Object.keys(target).filter((k) => inData || k !== 'data');
      const key = keys[Math.floor(random() * keys.length)];
      const choices = breaksFor(key, target[key]).filter((b) => b !== 'missing' || !OPTIONAL.has(key));
      BREAKS[choices[Math.floor(random() * choices.length)]](target, key);
      out.push(payload);
    }
  }
  return out;
}
