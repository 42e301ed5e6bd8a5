// One version, in step everywhere: package.json, the AsyncAPI document, the OpenAPI view, the
// docs site and the changelog; and the script that carries a new version into asyncapi.yaml.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, readJson } from '../helpers.js';

const { version } = readJson<{ version: string }>('package.json');

describe('the version', () => {
  it('is the same in package.json, asyncapi.yaml, the OpenAPI view, the docs and the changelog', () => {
    expect(parse(readFileSync(join(ROOT, 'asyncapi.yaml'), 'utf8')).info.version).toBe(version);
    expect(parse(readFileSync(join(ROOT, 'generated/openapi.yaml'), 'utf8')).info.version).toBe(version);
    expect(readFileSync(join(ROOT, 'docs/index.html'), 'utf8')).toContain(`@chatspark/webhooks ${version}`);
    expect(readFileSync(join(ROOT, 'docs/reference.html'), 'utf8')).toContain(`@chatspark/webhooks</code> ${version}`);
    expect(readFileSync(join(ROOT, 'docs/openapi.html'), 'utf8')).toContain(
      `ChatSpark webhooks OpenAPI view ${version}`,
    );
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toContain(`\n## ${version}\n`);
    expect(readJson<{ version: string }>('contract-snapshot/release.json').version).toBe(version);
  });

  it('is carried into asyncapi.yaml by scripts/sync-version.mjs, which keeps the rest of the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatspark-version-'));
    copyFileSync(join(ROOT, 'asyncapi.yaml'), join(dir, 'asyncapi.yaml'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ version: '3.4.5' }));
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/sync-version.mjs'), '--root', dir], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    const before = readFileSync(join(ROOT, 'asyncapi.yaml'), 'utf8');
    const after = readFileSync(join(dir, 'asyncapi.yaml'), 'utf8');
    expect(parse(after).info.version).toBe('3.4.5');
    expect(after.split('\n').filter((line, i) => line !== before.split('\n')[i])).toEqual(['  version: 3.4.5']);
    rmSync(dir, { recursive: true, force: true });
  });

  it('changes through Changesets: the version flow bumps, syncs, rebuilds, checks and snapshots', () => {
    const pkg = readJson<{ scripts: Record<string, string> }>('package.json');
    expect(pkg.scripts['release:version']).toBe(
      'changeset version && node scripts/sync-version.mjs && npm run build && node scripts/check-release.mjs && node scripts/snapshot-contract.mjs',
    );
    expect(readJson<{ baseBranch: string }>('.changeset/config.json').baseBranch).toBe('main');
  });
});
