// Timing helpers. The machine is shared and noisy, so contenders run in interleaved rounds
// (each round runs every contender once, in a rotating order) and only medians and per-round
// ratios are reported, never one absolute time.

/** The median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Wall time of `fn` in milliseconds. */
export function timeMs(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs `rounds` rounds; in each, every contender's `run()` once, starting with a different one each
 * round. `run` returns a measurement (lower is better, e.g. ns per event). Returns, per contender,
 * its samples; ratios are taken round by round, so both sides of a ratio saw the same moment.
 */
export async function interleave(contenders, rounds) {
  const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(round + k) % contenders.length];
      samples[contender.name].push(await contender.run());
    }
  }
  return samples;
}

/** Median over rounds of samples[a][i] / samples[b][i]. */
export function medianRatio(samples, a, b) {
  return median(samples[a].map((x, i) => x / samples[b][i]));
}
