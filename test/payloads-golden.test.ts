// Characterization of the payload generator: the same seed must give the same payloads, byte for
// byte (`send --seed` promises it, and bench/lib/payloads.mjs builds its mixes from the generator
// and its PRNG). The hashes below were computed from the pre-refactor generator (the single
// closure-based createPayloadGenerator of src/cli/payloads.ts at commit 525d2cd), run under Node 20
// against the schemas of that working tree; they pin the exact PRNG draw order.
//
// A change to the generator that alters any payload fails here. So does a schema change that alters
// what the generator reads (properties, required, types, enum/const, formats, lengths, minItems,
// uniqueItems, additionalProperties); descriptions and keywords the generator ignores (such as
// `maximum`) do not. Recompute the hashes only for an intended change of the payloads, and say so.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPayloadGenerator, prng, type PayloadOptions } from '../src/cli/payloads.js';
import type { WebhookEventType } from '../src/index.js';

/** Written out rather than imported, so that reordering WEBHOOK_EVENT_TYPES does not move the goldens. */
const EVENTS: readonly WebhookEventType[] = [
  'agent.updated',
  'ai-action.completed',
  'ai-action.failed',
  'conversation.ended',
  'conversation.started',
  'lead.captured',
  'message.sent',
  'training.completed',
  'training.failed',
];
const PER_EVENT = 50;

/** SHA-256 of 50 rounds of one payload per event (in EVENTS order), one JSON text per line. */
function payloadsHash(options: PayloadOptions): string {
  const generator = createPayloadGenerator(options);
  const hash = createHash('sha256');
  for (let i = 0; i < PER_EVENT; i++)
    for (const event of EVENTS) hash.update(`${JSON.stringify(generator.next(event))}\n`);
  return hash.digest('hex');
}

/** SHA-256 of the first 1000 numbers of `prng(seed)`, one per line. */
function prngHash(seed: number): string {
  const random = prng(seed);
  const hash = createHash('sha256');
  for (let i = 0; i < 1000; i++) hash.update(`${random()}\n`);
  return hash.digest('hex');
}

// [seed, strict, edgeCases, sha256]: 7 is the strict-mode test's seed, 42 the CLI test's, 65 one whose
// `uniqueItems` array draws a duplicate (skipped and redrawn), 2026 and 2027 the benchmark's, 20261125
// the property tests' in CI, 4294967295 the largest uint32.
const GOLDEN: [number, boolean, boolean, string][] = [
  [0, false, false, 'dc78551e864e9e6d35445b6cf8a8df0707d0b0dd55411557963221af8dd7a0b2'],
  [0, false, true, 'c01435542e818d396ba84a5f78edd63c3e4b44e02abf5999001bac21ceb1a113'],
  [0, true, false, 'a4ac17f2895dac76001b6b9042777dce3ff4b3b546dd2a0f11d7d7726f07cfeb'],
  [0, true, true, '770564b08f8cf8db0dbf6feb8a83752e21f497d56dc15cf160610f3fa9aadfc8'],
  [1, false, false, '7af6552b8e1ec8fe217d2efea7ee22cfb1f10315bba1b44e153164d1f93967a0'],
  [1, false, true, 'bfdf04088d50d02d8b105eb852039ea7648d3d3cbbd7c05a35a4d8a7cd15d015'],
  [1, true, false, '0aafacc6563063b2ef8a354d9e5313937ce114b8b772961a4cf2448c813e24fe'],
  [1, true, true, '9b12991b4617e5cabbdaa60747b6f4ddc751ed418e394c058e56cb6dab53c31a'],
  [7, false, false, 'aac718d70ed277d5504cc19a3223f690f52c022e4f67e1c4686838cf2354cc02'],
  [7, false, true, 'ac8430f64e5a812cf61b32f0a993560e3c8778bc940e64790aa2ec4d7b8b7ce1'],
  [7, true, false, 'ebe47b474cab81cfd0b2385dade31e60abbd51596e47546f4d7d9b7bb1bed4bf'],
  [7, true, true, '8137695d0095d7d9a8bf23b3e568d9bc4c62598279e9d7ab3c1e2d1ee3395314'],
  [42, false, false, 'c5c272368a4a71c88c8f9187165d04f121f80c8a776aa84d05bc04adda47ef04'],
  [42, false, true, 'e0679cc655f278b962ae51413cd003654e547c7298197ed830f7b56faa2598b1'],
  [42, true, false, '34422f84ed65480efa2cd71cfd676214bde7f9b65acd1f71e0548af32689fb19'],
  [42, true, true, '4db549733e13cfe1e9d7fbecd576b43844269bf61a73ad027a1c6c16e0d7bc6f'],
  [65, false, false, 'b69b9e8febb27af3134c057a4741a963fe9ebdd713e3a9a2141fb760c25674d3'],
  [65, false, true, '7e0a130a4c83094695896f4a5fd8f01d04abe87b56bcd75407c9519e8c5ba06a'],
  [65, true, false, 'a75c4eb54e17c5649cc9f224934ee3bc3595d52576390204e1de256b072afb0c'],
  [65, true, true, '2a809a5b69b09803b39582064642f9a80b859a6ff585bfbfcbb8099c0c66e99e'],
  [2026, false, false, 'da45d4bd0a8713a1691d08bc2ab92bcaee2dbc0680fefaae3b2caad0e1fa771f'],
  [2026, false, true, 'd223d585e1cf2cabf7bb5e139347a79f63bf6774648740455174161eb3b9df19'],
  [2026, true, false, '78fa7736a0396a4a79fc032b802c6569360ff8c6fcee23ece83a9a41cb2690b2'],
  [2026, true, true, '0e50167945bfcba33c8a09ee9a44da240d76cc5763ee341e5e8f01c3beaa2d89'],
  [2027, false, false, 'e47704664c954298c8d6aee572aaf568dd4cdc6be409323a053ce704579a6322'],
  [2027, false, true, '2668cf91b70e37f2a407b6c677e46d9d738721079e9acb34129841dac15e42f9'],
  [2027, true, false, '1adffd0a11858c915f45bd32c245134dc25b094f4f0dc7ced8ba4b356e9de1d6'],
  [2027, true, true, 'f0c5904119d52563a22c963ae74a04947290fa7d9a9af1720220b08f1bfb2ee0'],
  [20261125, false, false, '4e82b80edd4926389889faee52cf467721c3d4faee1b204ef485a50d80a9a61f'],
  [20261125, false, true, '7bb520bd8611a6b43acd4df1ed4398eecb36156e93ee8b159ddac457a78491b1'],
  [20261125, true, false, '680b053d7cfa53f444bee6fa250f0934aef0ad9da25c7a24b8940dde2399133e'],
  [20261125, true, true, '4d708253d7d90d042d384492c3ff62b34959b79b8ab38ac44cc5ff62d7cef055'],
  [4294967295, false, false, '0a44ead25c8b5b1807df8d72c83f16d0b5ba5d6c8011441cc6b4828dc5805605'],
  [4294967295, false, true, '9c28e297331a4498e3d7e178af740dd360ba70e9486216ab866ac4936d8acd64'],
  [4294967295, true, false, 'a1a9c67fa2781f861677be90a33646af7810abb2bdda431edb73bcd8f0195c3e'],
  [4294967295, true, true, '60619d875337604cb8d06e101f0db2cd5ff13a0cc6ef4c504cbbd3a33fd2236a'],
];

const PRNG_GOLDEN: [number, string][] = [
  [0, '47bdea771ffddcf845200ddb7e8e4c4e7c09bdda7473b21526bdee736da474ec'],
  [1, '1bcc06d17889e589cf84177120c263a83af343b0cc5c6bcbc23479cc8991c801'],
  [42, 'f919ef61f6720857a9b962d5742065871ea1acd48b91e78c32a17fda61e3be6d'],
  [2027, '196f45368fbcdc0d37419bfb430b72e21348f903fdca0f5a7194422c03f505a2'],
  [4294967295, '740cfc435d35e6d0c35321a1d3af75db5619224d07bd098810431fb95442ef87'],
];

describe('the payload generator is reproducible, byte for byte', () => {
  it.each(GOLDEN)('seed %i, strict %s, edgeCases %s', (seed, strict, edgeCases, expected) => {
    expect(payloadsHash({ seed, strict, edgeCases })).toBe(expected);
  });

  it('leaves strict and edge cases off when the options are absent', () => {
    expect(payloadsHash({ seed: 42 })).toBe(GOLDEN.find(([s, st, ec]) => s === 42 && !st && !ec)![3]);
  });

  it.each(PRNG_GOLDEN)('prng(%i) draws the same numbers', (seed, expected) => {
    expect(prngHash(seed)).toBe(expected);
  });
});
