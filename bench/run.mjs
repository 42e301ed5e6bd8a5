// npm run bench: times the package against its baselines, side by side in one process, and
// reports ratios and medians over interleaved rounds (the machine is shared and noisy), each
// target met or not. Writes bench/results.md (the README links it; nothing is written into README.md).
// Usage: npm run bench [-- --quick] [-- --out FILE] [-- --check] [-- --only a,b]   (--no-readme is accepted and does nothing)
//   --quick      small inputs and few rounds (a smoke run: its figures are not the results)
//   --check      exit 1 when a target is not met (always 1 when validators disagree)
//   --only       run only the named measurements (throughput, hostile, cold, size, ndjson, http, forward,
//                signature, dedupe, fetch, docs) and update their rows and tables in the results file, keeping
//                the others as they were
import autocannon from 'autocannon';
import * as esbuild from 'esbuild';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { pageRenderTime } from './lib/docs-render.mjs';
import { interleave, median, medianRatio, timeMs } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BENCH = join(ROOT, 'bench');
const BIN = join(ROOT, 'dist/cli/main.js');
const log = (line) => console.log(line);

// Each measurement below takes the run's context and returns its target rows
// ({ measurement, result, target, met }) and detail tables ({ title, header, rows }):
//   quick       small inputs and few rounds
//   work        a temporary folder, removed on exit
//   pkg         the built package's parseWebhookEvent and validateWebhookEvent
//   validators  the contenders by name, each (payload) => { valid }
//   valid, invalid   the two payload mixes
//   hostileBodies    () => the hostile bodies (bench/lib/hostile.mjs)
//   sink        { count }: results are counted into it, so no timed call is dead code

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
      out: { type: 'string', default: join(BENCH, 'results.md') },
      only: { type: 'string' },
      'no-readme': { type: 'boolean', default: false }, // no-op: kept so older callers still parse
    },
  });
  const only = values.only === undefined ? undefined : values.only.split(',').map((name) => name.trim());
  const unknown = (only ?? []).filter((name) => !(name in MEASUREMENTS));
  if (unknown.length > 0)
    fail(
      `bench: --only: unknown measurement ${unknown.join(', ')}; expected: ${Object.keys(MEASUREMENTS).join(', ')}.`,
      2,
    );
  return { quick: values.quick, check: values.check, out: values.out, only };
}

/** Prints the reason and ends the process: the figures would mean nothing. */
function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}

/**
 * The package as built (dist/), the generated validators, and the contenders. The TypeScript
 * contenders (hand-written checker, zod) are compiled into a cache folder under node_modules,
 * from where their own imports (zod) resolve.
 */
async function loadContenders() {
  // The package is timed as built (dist/), so a missing build is said plainly.
  if (!existsSync(join(ROOT, 'dist/index.js')) || !existsSync(BIN))
    fail('bench: dist/ is missing; run `npm run build` first.', 2);
  const { parseWebhookEvent, validateWebhookEvent, verifyWebhook, signWebhook, createWebhookReceiver } =
    await import('../dist/index.js');
  const { validators: compiledChecks } = await import('../generated/validators.js');
  const { createAjvRuntime } = await import('./contenders/ajv-runtime.mjs');
  const { invalidMix, validMix } = await import('./lib/payloads.mjs');
  const { hostileBodies } = await import('./lib/hostile.mjs');
  const compiled = join(ROOT, 'node_modules/.cache/chatspark-bench');
  await esbuild.build({
    entryPoints: [join(BENCH, 'contenders/handwritten.ts'), join(BENCH, 'contenders/zod.ts')],
    outdir: compiled,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  const { checkWebhookEvent } = await import(join(compiled, 'handwritten.mjs'));
  const { checkWithZod } = await import(join(compiled, 'zod.mjs'));
  const validators = {
    package: (p) => validateWebhookEvent(p),
    // A diagnostic, not a contender: the package's compiled checks alone, without wording issues.
    'package, checks only': (p) => {
      const check =
        p !== null && typeof p === 'object' && typeof p.event === 'string' ? compiledChecks[p.event] : undefined;
      return { valid: check !== undefined && check(p) };
    },
    'hand-written': checkWebhookEvent,
    'Ajv at run time': createAjvRuntime(),
    'zod 4': checkWithZod,
  };
  const pkg = { parseWebhookEvent, validateWebhookEvent, verifyWebhook, signWebhook, createWebhookReceiver };
  return { pkg, validators, validMix, invalidMix, hostileBodies };
}

// 1. Correctness first: every contender must give the package's verdict on every payload, and
//    the hand-written checker the same issues (path and keyword) as the package.
function checkVerdicts({ pkg, validators, valid, invalid }) {
  const { validateWebhookEvent } = pkg;
  const checkWebhookEvent = validators['hand-written'];
  let disagreements = 0;
  for (const [mix, payloads, expected] of [
    ['valid', valid, true],
    ['invalid', invalid, false],
  ]) {
    for (const payload of payloads) {
      const ours = validateWebhookEvent(payload);
      for (const [name, check] of Object.entries(validators)) {
        const verdict = check(payload).valid;
        if (verdict !== expected) {
          disagreements++;
          if (disagreements <= 10)
            log(
              `DISAGREE ${name} says ${verdict ? 'valid' : 'invalid'} on a payload of the ${mix} mix: ${JSON.stringify(payload).slice(0, 300)}`,
            );
        }
      }
      if (!ours.valid) {
        const key = (issues) =>
          issues
            .map((i) => `${i.path} ${i.keyword}`)
            .sort()
            .join(', ');
        const hand = checkWebhookEvent(payload);
        if (hand.valid || key(hand.errors) !== key(ours.errors)) {
          disagreements++;
          if (disagreements <= 10)
            log(
              `DISAGREE hand-written issues [${hand.valid ? '' : key(hand.errors)}] vs package [${key(ours.errors)}] on ${JSON.stringify(payload).slice(0, 300)}`,
            );
        }
      }
    }
  }
  log(
    `Verdicts: ${valid.length} valid and ${invalid.length} invalid payloads, ${Object.keys(validators).length} validators: ${disagreements === 0 ? 'all agree' : `${disagreements} disagreements`}.`,
  );
  if (disagreements > 0)
    fail('The validators disagree: the timings would compare different work. Fix the contenders first.');
}

// 2. Throughput: ns per event on each mix, JSON.parse of the same payloads as a reference point.
/** A contender for interleave(): `fn` over all `inputs`, repeated to about `sampleMs` per sample. */
function contender({ quick, sink }, name, fn, inputs, sampleMs) {
  const pass = () => {
    for (let i = 0; i < inputs.length; i++) if (fn(inputs[i]).valid) sink.count++;
  };
  const warm = Date.now();
  while (Date.now() - warm < (quick ? 50 : 400)) pass();
  const reps = Math.max(1, Math.round(sampleMs / timeMs(pass)));
  return {
    name,
    run: () =>
      (timeMs(() => {
        for (let r = 0; r < reps; r++) pass();
      }) *
        1e6) /
      (reps * inputs.length),
  };
}

async function measureThroughput(ctx) {
  const { quick, validators, valid, invalid } = ctx;
  const ROUNDS = quick ? 5 : 31;
  const SAMPLE_MS = quick ? 10 : 40;
  const rows = [];
  const details = [];
  const parseContender = (payloads) => {
    const texts = payloads.map((p) => JSON.stringify(p));
    return contender(ctx, 'JSON.parse', (t) => ({ valid: JSON.parse(t) !== null }), texts, SAMPLE_MS);
  };
  const throughput = {};
  for (const [mix, payloads] of [
    ['valid', valid],
    ['invalid', invalid],
  ]) {
    const contenders = [
      ...Object.entries(validators).map(([name, fn]) => contender(ctx, name, fn, payloads, SAMPLE_MS)),
      parseContender(payloads),
    ];
    const samples = await interleave(contenders, ROUNDS);
    throughput[mix] = { samples, rounds: ROUNDS };
    details.push({
      title: `Throughput, ${mix} mix (${payloads.length} payloads of all nine events; median of ${ROUNDS} interleaved rounds)`,
      header: [
        'Contender',
        'ns per event (median)',
        'time vs hand-written (median of per-round ratios)',
        'events/s (median)',
      ],
      rows: contenders.map((c) => [
        c.name,
        median(samples[c.name]).toFixed(0),
        `${medianRatio(samples, c.name, 'hand-written').toFixed(2)}x`,
        Math.round(1e9 / median(samples[c.name])).toLocaleString('en-US'),
      ]),
    });
    log(
      `Throughput (${mix}): ${contenders.map((c) => `${c.name} ${median(samples[c.name]).toFixed(0)} ns`).join(', ')}`,
    );
  }
  const ratio = (mix, a, b) => medianRatio(throughput[mix].samples, a, b);
  const r = ratio('valid', 'package', 'hand-written');
  rows.push({
    measurement: 'Valid mix: validateWebhookEvent time per event vs the hand-written checker',
    result: `${r.toFixed(2)}x`,
    target: '≤ 1.30x',
    met: r <= 1.3,
  });
  const ri = ratio('invalid', 'package', 'hand-written');
  rows.push({
    measurement: 'Invalid mix: validateWebhookEvent time per event vs the hand-written checker',
    result: `${ri.toFixed(2)}x`,
    target: '≤ 1.00x',
    met: ri <= 1,
  });
  // The practical limit, for scale: how far the hand-written checker itself is ahead of zod (the
  // most any validator could show).
  const zodCeiling = {
    valid: ratio('valid', 'zod 4', 'hand-written'),
    invalid: ratio('invalid', 'zod 4', 'hand-written'),
  };
  const zv = ratio('valid', 'zod 4', 'package');
  rows.push({
    measurement: 'Valid mix: speed-up over zod 4',
    result: `${zv.toFixed(1)}x faster (the hand-written checker: ${zodCeiling.valid.toFixed(1)}x)`,
    target: '≥ 4x',
    met: zv >= 4,
  });
  const zi = ratio('invalid', 'zod 4', 'package');
  rows.push({
    measurement: 'Invalid mix: speed-up over zod 4',
    result: `${zi.toFixed(1)}x faster (the hand-written checker: ${zodCeiling.invalid.toFixed(1)}x)`,
    target: '≥ 10x ("far faster")',
    met: zi >= 10,
  });
  return { rows, details };
}

// 2b. Hostile bodies: the invalid mix's worst case. Each body fills the 1 MiB limit with work for a
//     validator (350k invalid array items, 80k unknown properties, 500k-deep nesting, megabyte
//     strings); rejecting it, parse included, must cost at most 3x JSON.parse of the same text.
async function measureHostile({ quick, pkg, sink, hostileBodies }) {
  const { parseWebhookEvent } = pkg;
  const rows = [];
  const details = [];
  const bodies = hostileBodies();
  for (const h of bodies) {
    const result = parseWebhookEvent(h.body, { strict: h.strict === true });
    if (result.valid || result.errors[0].keyword !== h.keyword || result.errors[0].path !== h.path) {
      fail(
        `bench: hostile body "${h.name}" got ${result.valid ? 'valid' : `${result.errors[0].keyword} at "${result.errors[0].path}"`}, expected ${h.keyword} at "${h.path}".`,
      );
    }
  }
  const HOSTILE_ROUNDS = quick ? 3 : 15;
  // A megabyte body leaves megabytes of garbage: each sample starts from a collected heap, so no
  // side pays for the other's garbage (the collection itself is not timed).
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc');
  const perBody = bodies.map((h) => {
    const options = { strict: h.strict === true };
    const measure = (name, fn) => {
      fn();
      const reps = Math.max(1, Math.round((quick ? 5 : 20) / Math.max(timeMs(fn), 0.01)));
      return {
        name,
        run: () => {
          collect();
          return (
            timeMs(() => {
              for (let r = 0; r < reps; r++) fn();
            }) / reps
          );
        },
      };
    };
    return {
      h,
      contenders: [
        measure('parseWebhookEvent', () => {
          if (parseWebhookEvent(h.body, options).valid) sink.count++;
        }),
        measure('JSON.parse', () => {
          if (JSON.parse(h.body) === null) sink.count++;
        }),
      ],
    };
  });
  const figures = [];
  for (const { h, contenders } of perBody) {
    const samples = await interleave(contenders, HOSTILE_ROUNDS);
    const result = parseWebhookEvent(h.body, { strict: h.strict === true });
    figures.push({
      h,
      parse: median(samples['JSON.parse']),
      reject: median(samples.parseWebhookEvent),
      ratio: medianRatio(samples, 'parseWebhookEvent', 'JSON.parse'),
      issues: result.valid ? 0 : result.errors.length,
    });
  }
  details.push({
    title: `Hostile bodies (bench/lib/hostile.mjs), each just under 1 MiB: rejecting with \`parseWebhookEvent\` (parse included) vs \`JSON.parse\` alone; median of ${HOSTILE_ROUNDS} interleaved rounds`,
    header: ['Body', 'Bytes', 'JSON.parse', 'parseWebhookEvent', 'Ratio', 'Issues'],
    rows: figures.map((f) => [
      f.h.name,
      Buffer.byteLength(f.h.body).toLocaleString('en-US'),
      `${f.parse.toFixed(2)} ms`,
      `${f.reject.toFixed(2)} ms`,
      `${f.ratio.toFixed(2)}x`,
      String(f.issues),
    ]),
  });
  const worst = figures.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  rows.push({
    measurement: `Hostile bodies up to 1 MiB (${figures.length} kinds): rejecting one, parse included, vs JSON.parse of the same body (the worst kind)`,
    result: `${worst.ratio.toFixed(2)}x (${worst.h.name})`,
    target: '≤ 3x',
    met: worst.ratio <= 3,
  });
  log(
    `Hostile bodies: ${figures.map((f) => `${f.ratio.toFixed(2)}x`).join(', ')}; worst ${worst.ratio.toFixed(2)}x (${worst.h.name})`,
  );
  return { rows, details };
}

// 3. Cold start: fresh node processes, interleaved; wall time from spawn to exit, and the CPU time
//    each process reports using (steadier when a neighbour is busy). The same reporter is loaded
//    into every process, the bare one included, so it cancels out of the differences.
async function measureColdStart({ quick }) {
  const rows = [];
  const details = [];
  const RUNS = quick ? 5 : 41;
  const cpu = {};
  const script = (file) => ({
    name: file,
    run: () => {
      const start = process.hrtime.bigint();
      const result = spawnSync(
        process.execPath,
        ['--import', join(BENCH, 'cold/cpu-reporter.mjs'), join(BENCH, 'cold', file)],
        { cwd: ROOT, encoding: 'utf8' },
      );
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const used = /cpu-us (\d+)/.exec(result.stdout);
      if (result.status !== 0 || !used)
        throw new Error(`bench/cold/${file} exited with ${result.status}: ${result.stderr}`);
      (cpu[file] ??= []).push(Number(used[1]) / 1000);
      return ms;
    },
  });
  const files = ['bare.mjs', 'package.mjs', 'package-event.mjs', 'ajv-runtime.mjs'];
  const samples = await interleave(files.map(script), RUNS);
  const med = Object.fromEntries(files.map((f) => [f, median(samples[f])]));
  const above = (f) => median(samples[f].map((x, i) => x - samples['bare.mjs'][i]));
  const cpuAbove = (f) => median(cpu[f].map((x, i) => x - cpu['bare.mjs'][i]));
  const row = (label, f) => [
    label,
    `${med[f].toFixed(1)} ms`,
    f === 'bare.mjs' ? '—' : `+${above(f).toFixed(1)} ms`,
    `${median(cpu[f]).toFixed(1)} ms`,
    f === 'bare.mjs' ? '—' : `+${cpuAbove(f).toFixed(1)} ms`,
  ];
  details.push({
    title: `Cold start (a fresh node process; median of ${RUNS} interleaved runs)`,
    header: ['Process', 'Wall time', 'Wall time above bare node', 'CPU time', 'CPU time above bare node'],
    rows: [
      row('bare `node` (loads nothing)', 'bare.mjs'),
      row('imports `@chatspark/webhooks`, validates one event', 'package.mjs'),
      row('imports `@chatspark/webhooks/validators/lead.captured`, validates one', 'package-event.mjs'),
      row('Ajv: compiles the nine schemas, validates one', 'ajv-runtime.mjs'),
    ],
  });
  const extra = above('package.mjs');
  rows.push({
    measurement: 'Cold start: import the package and validate one event, above bare node (wall time)',
    result: `+${extra.toFixed(1)} ms (CPU time: +${cpuAbove('package.mjs').toFixed(1)} ms; run-time Ajv: +${above('ajv-runtime.mjs').toFixed(1)} ms)`,
    target: '≤ 5 ms',
    met: extra <= 5,
  });
  log(
    `Cold start: bare ${med['bare.mjs'].toFixed(1)} ms, package +${extra.toFixed(1)} ms (CPU +${cpuAbove('package.mjs').toFixed(1)}), per-event +${above('package-event.mjs').toFixed(1)} ms (CPU +${cpuAbove('package-event.mjs').toFixed(1)}), Ajv +${above('ajv-runtime.mjs').toFixed(1)} ms`,
  );
  return { rows, details };
}

// 4. Size of the shipped validators module, and runtime dependencies.
async function measureSize() {
  const rows = [];
  const details = [];
  const file = join(ROOT, 'generated/validators.js');
  const code = readFileSync(file);
  const minified = (
    await esbuild.build({
      entryPoints: [file],
      bundle: true,
      minify: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
    })
  ).outputFiles[0].contents;
  const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const deps = Object.keys(pkg.dependencies ?? {});
  const imports = [...code.toString().matchAll(/^\s*import\s.*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]);
  details.push({
    title: 'Size of `generated/validators.js` (all nine events, default and strict mode)',
    header: ['Form', 'Bytes', 'gzip -9'],
    rows: [
      ['as shipped', code.length.toLocaleString('en-US'), gz(code).toLocaleString('en-US')],
      ['minified (esbuild)', minified.length.toLocaleString('en-US'), gz(minified).toLocaleString('en-US')],
    ],
  });
  const kib = gz(minified) / 1024;
  rows.push({
    measurement: 'All nine validators, both modes, minified, gzip',
    result: `${kib.toFixed(2)} KiB (as shipped: ${(gz(code) / 1024).toFixed(2)} KiB)`,
    target: '≤ 7 KiB',
    met: kib <= 7,
  });
  rows.push({
    measurement: 'Runtime dependencies (package.json, and imports of the validators module)',
    result: `${deps.length} and ${imports.length}`,
    target: '0',
    met: deps.length === 0 && imports.length === 0,
  });
  log(
    `Size: ${code.length} B raw, ${gz(code)} B gzip, minified ${minified.length} B / ${gz(minified)} B gzip; ${deps.length} dependencies`,
  );
  return { rows, details };
}

// 5. `validate` on a large NDJSON file against a loop that only parses the same lines.
async function measureNdjson({ quick, work, valid }) {
  const rows = [];
  const details = [];
  const file = join(work, 'events.ndjson');
  const lines = quick ? 20_000 : 300_000;
  const stream = createWriteStream(file);
  const texts = valid.map((p) => JSON.stringify(p));
  for (let i = 0; i < lines; i++) if (!stream.write(`${texts[i % texts.length]}\n`)) await once(stream, 'drain');
  stream.end();
  await once(stream, 'close');
  const bytes = readFileSync(file).length;
  const timed = (name, args, check) => ({
    name,
    run: () => {
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      check(result);
      return seconds / lines; // seconds per event: lower is better
    },
  });
  const samples = await interleave(
    [
      timed('validate', [BIN, 'validate', file], (r) => {
        if (r.status !== 0 || !r.stdout.includes(`${lines} events`))
          throw new Error(`validate failed (${r.status}): ${r.stdout.slice(-300)}${r.stderr.slice(-300)}`);
      }),
      timed('parse-only', [join(BENCH, 'ndjson/parse-only.mjs'), file], (r) => {
        if (r.status !== 0 || Number(r.stdout.trim()) !== lines)
          throw new Error(`parse-only failed: ${r.stdout}${r.stderr}`);
      }),
    ],
    quick ? 1 : 5,
  );
  const perSecond = (name) => 1 / median(samples[name]);
  const share = 1 / medianRatio(samples, 'validate', 'parse-only');
  details.push({
    title: `NDJSON: ${lines.toLocaleString('en-US')} events (${(bytes / 1e6).toFixed(1)} MB), whole process wall time, median of ${samples.validate.length} interleaved runs`,
    header: ['Process', 'events/s (median)'],
    rows: [
      ['`chatspark-webhooks validate events.ndjson`', Math.round(perSecond('validate')).toLocaleString('en-US')],
      ['readline + `JSON.parse` only', Math.round(perSecond('parse-only')).toLocaleString('en-US')],
    ],
  });
  rows.push({
    measurement: '`validate` on NDJSON: events/s as a share of the parse-only loop',
    result: `${(share * 100).toFixed(0)}%`,
    target: '≥ 60%',
    met: share >= 0.6,
  });
  log(
    `NDJSON: validate ${Math.round(perSecond('validate'))}/s, parse-only ${Math.round(perSecond('parse-only'))}/s (${(share * 100).toFixed(0)}%)`,
  );
  return { rows, details };
}

// 6. `listen` under autocannon against a bare node:http server, both on 127.0.0.1.
async function measureHttp({ quick, work, valid }) {
  const rows = [];
  const details = [];
  // Many short runs, alternating: this machine drifts between a fast and a slow regime (both
  // servers halve together), so only ratios of neighbouring runs mean anything.
  const AMOUNT = quick ? 2_000 : 10_000;
  const bodies = valid.slice(0, 90).map((p) => JSON.stringify(p));
  async function start(args) {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exit = new Promise((resolve) => child.on('close', resolve));
    while (!out.includes('\n'))
      if (await Promise.race([once(child.stdout, 'data').then(() => false), exit.then(() => true)]))
        throw new Error(`server exited early: ${out}`);
    return { url: out.split('\n')[0], child, exit, output: () => out };
  }
  let recordedAll = true;
  let round = 0;
  const serverCpu = { listen: [], 'bare node:http': [] }; // µs of server CPU per request, from /proc (Linux)
  const cpuMs = (pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
    } catch {
      return NaN;
    }
  };
  const server = (name, args, afterRun) => ({
    name,
    run: async () => {
      const report = join(work, `report-${round++}.ndjson`);
      const s = await start(args(report));
      const cpuBefore = cpuMs(s.child.pid);
      const result = await autocannon({
        url: `${s.url}webhooks`,
        connections: 32,
        amount: AMOUNT,
        requests: bodies.map((body) => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })),
      });
      serverCpu[name].push(((cpuMs(s.child.pid) - cpuBefore) * 1000) / AMOUNT);
      s.child.kill('SIGINT');
      await s.exit;
      if (result['2xx'] !== AMOUNT || result.errors > 0)
        throw new Error(`${name}: ${result['2xx']} of ${AMOUNT} answered 2xx, ${result.errors} errors`);
      afterRun?.(report);
      return result.duration / AMOUNT; // seconds per request, lower is better
    },
  });
  const samples = await interleave(
    [
      server(
        'listen',
        (report) => [BIN, 'listen', '--port', '0', '--quiet', '--report', report],
        (report) => {
          const records = readFileSync(report, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l));
          if (records.length !== AMOUNT || !records.every((r) => r.status === 200 && r.valid === true))
            recordedAll = false;
        },
      ),
      server('bare node:http', () => [join(BENCH, 'http/bare-server.mjs')]),
    ],
    quick ? 1 : 9,
  );
  const rps = (name) => 1 / median(samples[name]);
  const cpuText = (name) =>
    serverCpu[name].every(Number.isFinite) ? `${median(serverCpu[name]).toFixed(0)} µs` : 'n/a (no /proc)';
  const share = 1 / medianRatio(samples, 'listen', 'bare node:http');
  details.push({
    title: `HTTP: ${AMOUNT.toLocaleString('en-US')} POSTs per run, 32 connections (autocannon), median of ${samples.listen.length} interleaved runs`,
    header: ['Server', 'requests/s (median)', 'server CPU per request (median)'],
    rows: [
      [
        '`chatspark-webhooks listen --report r.ndjson` (validates, records each delivery before answering)',
        Math.round(rps('listen')).toLocaleString('en-US'),
        cpuText('listen'),
      ],
      [
        'bare `node:http`, reads the body only',
        Math.round(rps('bare node:http')).toLocaleString('en-US'),
        cpuText('bare node:http'),
      ],
    ],
  });
  rows.push({
    measurement: '`listen` requests/s as a share of a bare node:http server',
    result: `${(share * 100).toFixed(0)}%`,
    target: '≥ 90%', // the second batch's bar (clarifications-2); it was 70%
    met: share >= 0.9,
  });
  rows.push({
    measurement: '`listen`: every delivery recorded in its report',
    result: recordedAll ? `yes (${AMOUNT.toLocaleString('en-US')} of ${AMOUNT.toLocaleString('en-US')} per run)` : 'no',
    target: 'all',
    met: recordedAll,
  });
  log(
    `HTTP: listen ${Math.round(rps('listen'))}/s, bare ${Math.round(rps('bare node:http'))}/s (${(share * 100).toFixed(0)}%), server CPU per request ${cpuText('listen')} vs ${cpuText('bare node:http')}, all recorded: ${recordedAll}`,
  );
  return { rows, details };
}

// 7. `listen --forward-to` in front of the bare node:http server, against sending straight to it.
async function measureForward({ quick, valid }) {
  const AMOUNT = quick ? 1_000 : 5_000;
  const bodies = valid.slice(0, 90).map((p) => JSON.stringify(p));
  async function start(args) {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exit = new Promise((resolve) => child.on('close', resolve));
    while (!out.includes('\n'))
      if (await Promise.race([once(child.stdout, 'data').then(() => false), exit.then(() => true)]))
        throw new Error(`server exited early: ${out}`);
    return { url: out.split('\n')[0], child, exit };
  }
  const load = async (url, name) => {
    const result = await autocannon({
      url: `${url}webhooks`,
      connections: 32,
      amount: AMOUNT,
      requests: bodies.map((body) => ({ method: 'POST', body, headers: { 'content-type': 'application/json' } })),
    });
    if (result['2xx'] !== AMOUNT || result.errors > 0)
      throw new Error(`${name}: ${result['2xx']} of ${AMOUNT} answered 2xx, ${result.errors} errors`);
    return result.duration / AMOUNT;
  };
  // One target for both, so only the hop through listen differs.
  const target = await start([join(BENCH, 'http/bare-server.mjs')]);
  let relay;
  try {
    const samples = await interleave(
      [
        { name: 'direct', run: () => load(target.url, 'direct') },
        {
          name: 'through listen',
          run: async () => {
            relay = await start([BIN, 'listen', '--port', '0', '--quiet', '--forward-to', target.url]);
            try {
              return await load(relay.url, 'through listen');
            } finally {
              relay.child.kill('SIGINT');
              await relay.exit;
            }
          },
        },
      ],
      quick ? 1 : 7,
    );
    const share = 1 / medianRatio(samples, 'through listen', 'direct');
    const rps = (name) => Math.round(1 / median(samples[name])).toLocaleString('en-US');
    log(`Forward: through listen ${rps('through listen')}/s, direct ${rps('direct')}/s (${(share * 100).toFixed(0)}%)`);
    return {
      rows: [
        {
          measurement: '`listen --forward-to` requests/s as a share of sending straight to the same target',
          result: `${(share * 100).toFixed(0)}%`,
          target: '≥ 80%',
          met: share >= 0.8,
        },
      ],
      details: [
        {
          title: `Forwarding: ${AMOUNT.toLocaleString('en-US')} POSTs per run, 32 connections (autocannon), median of ${samples.direct.length} interleaved runs`,
          header: ['Path', 'requests/s (median)'],
          rows: [
            ['autocannon → bare `node:http`', rps('direct')],
            ['autocannon → `listen --forward-to` (validates, forwards) → bare `node:http`', rps('through listen')],
          ],
        },
      ],
    };
  } finally {
    target.child.kill('SIGINT');
    await target.exit;
  }
}

// 8. The signature profile: verifyWebhook on a 1 KiB body vs the official `standardwebhooks`
//    library's verify on the same input (Web Crypto is async: the key is imported once per secret).
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** A lead.captured body of exactly `bytes` bytes (its message padded). */
function leadBody(bytes) {
  const lead = JSON.parse(readFileSync(join(ROOT, 'examples/lead.captured.json'), 'utf8'));
  const base = JSON.stringify({ ...lead, data: { ...lead.data, message: '' } });
  return JSON.stringify({ ...lead, data: { ...lead.data, message: 'x'.repeat(bytes - Buffer.byteLength(base)) } });
}

/** An async contender: `calls` awaited calls of `fn` per sample, in ns per call. */
function perCall(name, fn, calls) {
  return {
    name,
    run: async () => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) await fn(i);
      return Number(process.hrtime.bigint() - start) / calls;
    },
  };
}

async function measureSignature({ quick, pkg }) {
  const { Webhook } = createRequire(join(ROOT, 'package.json'))('standardwebhooks');
  const body = leadBody(1024);
  const headers = await pkg.signWebhook(body, { secret: SECRET });
  const official = new Webhook(SECRET);
  if (!(await pkg.verifyWebhook(body, headers, { secret: SECRET })).valid || !official.verify(body, headers))
    fail('bench: the two verifiers disagree on the signed body.');
  const calls = quick ? 200 : 5000;
  const contenders = [
    perCall('verifyWebhook', () => pkg.verifyWebhook(body, headers, { secret: SECRET }), calls),
    perCall('standardwebhooks verify', () => official.verify(body, headers), calls),
  ];
  for (const c of contenders) await c.run(); // warm up
  const samples = await interleave(contenders, quick ? 5 : 31);
  const ratio = medianRatio(samples, 'verifyWebhook', 'standardwebhooks verify');
  log(
    `Signature: verifyWebhook ${median(samples.verifyWebhook).toFixed(0)} ns, standardwebhooks ${median(samples['standardwebhooks verify']).toFixed(0)} ns per call (${ratio.toFixed(2)}x)`,
  );
  return {
    rows: [
      {
        measurement:
          'verifyWebhook on a 1 KiB body: time per call vs standardwebhooks 1.1.1 `verify` on the same input',
        result: `${ratio.toFixed(2)}x`,
        target: '≤ 1.00x',
        met: ratio <= 1,
      },
    ],
    details: [
      {
        title: `Signature verification, a 1,024-byte body, valid signature (median of ${quick ? 5 : 31} interleaved rounds of ${calls} calls)`,
        header: ['Verifier', 'ns per call (median)', 'time vs standardwebhooks (median of per-round ratios)'],
        rows: contenders.map((c) => [
          c.name,
          median(samples[c.name]).toFixed(0),
          `${medianRatio(samples, c.name, 'standardwebhooks verify').toFixed(2)}x`,
        ]),
      },
    ],
  };
}

// 9. Dedupe: the receiver (receive(body, headers)) with the in-memory dedupe store on vs off, each
//    delivery with an id of its own (every one runs its handler, as a real stream of deliveries does).
async function measureDedupe({ quick, pkg }) {
  const body = JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'examples/lead.captured.json'), 'utf8')));
  let handled = 0;
  const make = (options) => pkg.createWebhookReceiver(options).on('lead.captured', () => void handled++);
  const off = make({});
  const on = make({ dedupe: true });
  const calls = quick ? 500 : 10_000;
  let next = 0;
  const deliver = (receiver) => () => receiver.receive(body, { 'webhook-id': `msg_${next++}` });
  const contenders = [perCall('dedupe off', deliver(off), calls), perCall('dedupe on (in memory)', deliver(on), calls)];
  for (const c of contenders) await c.run();
  const rounds = quick ? 5 : 31;
  const samples = await interleave(contenders, rounds);
  const ratio = medianRatio(samples, 'dedupe on (in memory)', 'dedupe off');
  if (handled !== calls * 2 * (rounds + 1))
    fail(`bench: dedupe ran ${handled} handlers, expected ${calls * 2 * (rounds + 1)}.`);
  log(
    `Dedupe: on ${median(samples['dedupe on (in memory)']).toFixed(0)} ns, off ${median(samples['dedupe off']).toFixed(0)} ns per delivery (${ratio.toFixed(2)}x)`,
  );
  return {
    rows: [
      {
        measurement: 'Receiver with in-memory dedupe on: time per delivery vs dedupe off',
        result: `${ratio.toFixed(2)}x`,
        target: '≤ 1.05x',
        met: ratio <= 1.05,
      },
    ],
    details: [
      {
        title: `Dedupe, receive(body, headers) of a lead.captured, each delivery with a new webhook-id (median of ${rounds} interleaved rounds of ${calls} deliveries)`,
        header: ['Receiver', 'ns per delivery (median)', 'time vs dedupe off (median of per-round ratios)'],
        rows: contenders.map((c) => [
          c.name,
          median(samples[c.name]).toFixed(0),
          `${medianRatio(samples, c.name, 'dedupe off').toFixed(2)}x`,
        ]),
      },
    ],
  };
}

// 10. fetchHandler(): the receiver's Web handler against a bare one that only reads the body and
//     answers 200, both driven in-process with the same `Request` objects (each made in the timed call).
async function measureFetchHandler({ quick, pkg }) {
  const body = JSON.stringify(JSON.parse(readFileSync(join(ROOT, 'examples/lead.captured.json'), 'utf8')));
  let handled = 0;
  const receiver = pkg.createWebhookReceiver().on('lead.captured', () => void handled++);
  const packageHandler = receiver.fetchHandler();
  const bareHandler = async (request) => {
    await request.arrayBuffer();
    return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const requestOf = () =>
    new Request('http://127.0.0.1/webhooks', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  const answered = (handler) => async () => {
    const response = await handler(requestOf());
    if (response.status !== 200) fail(`bench: fetchHandler answered ${response.status}.`);
    await response.arrayBuffer();
  };
  const calls = quick ? 300 : 5000;
  const contenders = [
    perCall('fetchHandler()', answered(packageHandler), calls),
    perCall('bare Web handler', answered(bareHandler), calls),
  ];
  for (const c of contenders) await c.run(); // warm up
  const rounds = quick ? 5 : 31;
  const samples = await interleave(contenders, rounds);
  if (handled !== calls * (rounds + 1))
    fail(`bench: fetchHandler ran ${handled} handlers, expected ${calls * (rounds + 1)}.`);
  const ratio = medianRatio(samples, 'fetchHandler()', 'bare Web handler');
  log(
    `fetchHandler: ${median(samples['fetchHandler()']).toFixed(0)} ns vs bare ${median(samples['bare Web handler']).toFixed(0)} ns per request (${ratio.toFixed(2)}x)`,
  );
  return {
    rows: [
      {
        measurement: '`fetchHandler()` time per request vs a bare Web handler that reads the body and answers 200',
        result: `${ratio.toFixed(2)}x`,
        target: '≤ 1.10x',
        met: ratio <= 1.1,
      },
    ],
    details: [
      {
        title: `fetchHandler, in-process Request objects of a lead.captured (median of ${rounds} interleaved rounds of ${calls} requests)`,
        header: ['Handler', 'ns per request (median)', 'time vs bare (median of per-round ratios)'],
        rows: contenders.map((c) => [
          c.name,
          median(samples[c.name]).toFixed(0),
          `${medianRatio(samples, c.name, 'bare Web handler').toFixed(2)}x`,
        ]),
      },
    ],
  };
}

// 11. The docs site from disk in headless Chromium (Debian's): the event reference (static HTML)
//     against the Redoc view of the same contract (what reference.html was up to 0.3.0), each
//     opened in a fresh context, alternately, until usable (see bench/lib/docs-render.mjs).
async function measureDocsRender({ quick }) {
  const CHROMIUM = '/usr/bin/chromium';
  if (!existsSync(CHROMIUM))
    fail(`bench: docs needs ${CHROMIUM} (apt-get install -y --no-install-recommends chromium).`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  const pages = {
    'reference.html (static)': { url: pathToFileURL(join(ROOT, 'docs/reference.html')).href },
    'openapi.html (Redoc)': { url: pathToFileURL(join(ROOT, 'docs/openapi.html')).href, redoc: true },
  };
  const samples = Object.fromEntries(Object.keys(pages).map((name) => [name, []]));
  try {
    for (let round = 0; round < (quick ? 2 : 7); round++) {
      for (const [name, { url, redoc }] of Object.entries(pages))
        samples[name].push(await pageRenderTime(browser, url, { redoc }));
    }
  } finally {
    await browser.close();
  }
  const [reference, redoc] = Object.keys(pages);
  const ratio = medianRatio(samples, reference, redoc);
  log(
    `docs: reference ${median(samples[reference]).toFixed(0)} ms, Redoc ${median(samples[redoc]).toFixed(0)} ms (${ratio.toFixed(2)}x)`,
  );
  return {
    rows: [
      {
        measurement: 'Event reference render time from disk vs the Redoc view (the 0.3.0 reference page)',
        result: `${ratio.toFixed(2)}x (${median(samples[reference]).toFixed(0)} ms)`,
        target: '≤ 0.25x',
        met: ratio <= 0.25,
      },
    ],
    details: [
      {
        title: `Docs render from disk, headless Chromium, fresh context per load (median of ${samples[reference].length} alternating rounds)`,
        header: ['Page', 'ms until usable (median)', 'vs Redoc view'],
        rows: Object.keys(pages).map((name) => [
          name,
          median(samples[name]).toFixed(0),
          `${medianRatio(samples, name, redoc).toFixed(2)}x`,
        ]),
      },
    ],
  };
}

const MEASUREMENTS = {
  throughput: measureThroughput,
  hostile: measureHostile,
  cold: measureColdStart,
  size: measureSize,
  ndjson: measureNdjson,
  http: measureHttp,
  forward: measureForward,
  signature: measureSignature,
  dedupe: measureDedupe,
  fetch: measureFetchHandler,
  docs: measureDocsRender,
};

/**
 * With --only: the results file as it was, with the rows and tables of the measurements just run
 * replaced (matched by their text before the figures) or added.
 */
function mergeResults(file, rows, details) {
  if (!existsSync(file)) return { rows, details };
  const text = readFileSync(file, 'utf8');
  const oldRows = [...text.matchAll(/^\| (.+?) \| (.+?) \| (.+?) \| (yes|\*\*no\*\*) \|$/gm)]
    .filter((m) => m[1] !== 'Target')
    .map((m) => ({ measurement: m[1], result: m[2], target: m[3], met: m[4] === 'yes' }));
  const sections = text
    .split(/^## /m)
    .slice(1)
    .filter((part) => !part.startsWith('Targets'));
  const oldDetails = sections.map((part) => {
    const [title, ...rest] = part.split('\n');
    const lines = rest.filter((line) => line.startsWith('|'));
    const cells = (line) => line.slice(2, -2).split(' | ');
    return { title, header: cells(lines[0]), rows: lines.slice(2).map(cells) };
  });
  const key = (title) => title.split(/[(,:]/)[0];
  const merged = oldRows.map((r) => rows.find((n) => n.measurement === r.measurement) ?? r);
  for (const r of rows) if (!merged.includes(r)) merged.push(r);
  const mergedDetails = oldDetails.map((d) => details.find((n) => key(n.title) === key(d.title)) ?? d);
  for (const d of details) if (!mergedDetails.includes(d)) mergedDetails.push(d);
  return { rows: merged, details: mergedDetails };
}

/** A Markdown table; every column after the first right-aligned. */
function table(header, body) {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The run's circumstances: date, machine and versions (the first line of the results). */
function describeRun(quick) {
  const version = (name) => JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const cpu = cpus();
  const machine = `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), ${platform()} ${release()}; Node.js ${process.versions.node}`;
  const versions = `${pkg.name} ${pkg.version}, ajv ${version('ajv')}, zod ${version('zod')}, autocannon ${version('autocannon')}`;
  const when = new Date().toISOString().slice(0, 10);
  return `${quick ? 'Quick smoke run (--quick): small inputs, few rounds; not the results. ' : ''}Measured ${when} on ${machine}. Versions: ${versions}.`;
}

/** Writes the results file and returns its targets table. */
function writeResults(file, about, rows, details) {
  const summary = table(
    ['Target', 'Measured', 'Bar', 'Met'],
    rows.map((r) => [r.measurement, r.result, r.target, r.met ? 'yes' : '**no**']),
  );
  const markdown = [
    '# Benchmark results',
    '',
    '<!-- Written by bench/run.mjs (npm run bench); do not edit. -->',
    '',
    about,
    '',
    'Every figure is a median over interleaved rounds, and every comparison a ratio taken within a round, because the machine is shared and noisy. Before timing, the benchmark checks that all validators give the same verdict on every payload (and the hand-written checker the same issues as the package).',
    '',
    '## Targets',
    '',
    summary,
    '',
    ...details.flatMap((d) => [`## ${d.title}`, '', table(d.header, d.rows), '']),
  ].join('\n');
  writeFileSync(file, markdown);
  return summary;
}

/** Every measurement in order; returns the exit code. */
async function run(argv) {
  const options = parseOptions(argv);
  const quick = options.quick;
  const { pkg, validators, validMix, invalidMix, hostileBodies } = await loadContenders();
  const work = mkdtempSync(join(tmpdir(), 'chatspark-bench-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  const ctx = {
    quick,
    work,
    pkg,
    validators,
    valid: validMix(quick ? 20 : 200),
    invalid: invalidMix(quick ? 20 : 200),
    hostileBodies,
    sink: { count: 0 },
  };
  checkVerdicts(ctx);
  let rows = [];
  let details = [];
  const chosen = options.only ?? Object.keys(MEASUREMENTS);
  for (const name of chosen) {
    const result = await MEASUREMENTS[name](ctx);
    rows.push(...result.rows);
    details.push(...result.details);
  }
  let about = describeRun(quick);
  if (options.only !== undefined) {
    ({ rows, details } = { ...mergeResults(options.out, rows, details) });
    const previous = existsSync(options.out)
      ? /^(?:Quick smoke run.*?)?Measured .*$/m
          .exec(readFileSync(options.out, 'utf8'))?.[0]
          .replace(/ Updated by .*$/, '')
      : undefined;
    about = `${previous ?? ''}${previous ? ' ' : ''}Updated by \`--only ${chosen.join(',')}\`: ${describeRun(quick)}`;
  }
  const summary = writeResults(options.out, about, rows, details);
  log(`\n${summary}\n\nWritten to ${options.out}.`);
  const missed = rows.filter((r) => !r.met);
  if (missed.length > 0)
    log(
      `${missed.length} target${missed.length === 1 ? '' : 's'} not met: ${missed.map((r) => r.measurement).join('; ')}.`,
    );
  void ctx.sink.count;
  return options.check && missed.length > 0 ? 1 : 0;
}

process.exitCode = await run(process.argv.slice(2));
