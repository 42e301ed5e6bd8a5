// The Standard Webhooks v1 profile (opt-in): signWebhook and verifyWebhook against the shipped
// signature vectors (vectors/signatures.json), on both crypto paths (node:crypto's HMAC and Web
// Crypto), and interoperability with the official libraries both ways: `standardwebhooks` 1.1.1
// and `svix` 2.5.0, including secret rotation on either side and several signatures in a header.
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signWebhook, verifyWebhook, type VerifyResult } from '../src/index.js';
import { SigningKeys, headerReader, verifyWith } from '../src/signature.js';
import { readJson } from './helpers.js';

interface SigningVector {
  description: string;
  secret: string;
  id: string;
  timestamp: number;
  body: string;
  signature: string;
}
interface VerifyingVector {
  description: string;
  secrets: string[];
  now: number;
  toleranceSeconds?: number;
  headers: Record<string, string>;
  body: string;
  valid: boolean;
  reason?: string;
}
const vectors = readJson<{ signing: SigningVector[]; verifying: VerifyingVector[] }>('vectors/signatures.json');
const A = vectors.signing[0]!.secret;
const B = vectors.signing.find((v) => v.description.startsWith('a second secret'))!.secret;
const BODY = vectors.signing[0]!.body;
const webOnly = new SigningKeys({ webCryptoOnly: true });

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const verdict = (result: VerifyResult) => (result.valid ? { valid: true } : { valid: false, reason: result.reason });

describe('vectors/signatures.json', () => {
  it('is described by vectors/signatures.schema.json', async () => {
    const { Ajv } = await import('ajv');
    const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(
      readJson('vectors/signatures.schema.json') as object,
    );
    expect(validate(vectors) ? [] : validate.errors).toEqual([]);
    const broken = { ...vectors, verifying: [{ ...vectors.verifying[0]!, valid: false }] };
    expect(validate(broken)).toBe(false); // an invalid vector needs its reason
  });

  it('covers every reason and both verdicts', () => {
    const reasons = new Set(vectors.verifying.map((v) => v.reason ?? 'valid'));
    expect([...reasons].sort()).toEqual(
      ['bad-secret', 'bad-timestamp', 'missing-header', 'no-matching-signature', 'too-new', 'too-old', 'valid'].sort(),
    );
  });

  for (const v of vectors.signing) {
    it(`signs: ${v.description}`, async () => {
      const headers = await signWebhook(v.body, { secret: v.secret, id: v.id, timestamp: v.timestamp });
      expect(headers).toEqual({
        'webhook-id': v.id,
        'webhook-timestamp': String(v.timestamp),
        'webhook-signature': v.signature,
      });
      const bytes = new TextEncoder().encode(v.body);
      const again = await signWebhook(bytes, { secret: v.secret, id: v.id, timestamp: new Date(v.timestamp * 1000) });
      expect(again['webhook-signature']).toBe(v.signature);
      expect(`v1,${await webOnly.get(v.secret)!.sign(`${v.id}.${v.timestamp}.`, v.body)}`).toBe(v.signature);
      expect(new StandardWebhook(v.secret).sign(v.id, new Date(v.timestamp * 1000), v.body)).toBe(v.signature);
    });
  }

  for (const v of vectors.verifying) {
    it(`verifies: ${v.description} → ${v.reason ?? 'valid'}`, async () => {
      const options = {
        secret: v.secrets,
        now: new Date(v.now * 1000),
        ...(v.toleranceSeconds === undefined ? {} : { toleranceSeconds: v.toleranceSeconds }),
      };
      const expected = v.valid ? { valid: true } : { valid: false, reason: v.reason };
      expect(verdict(await verifyWebhook(v.body, v.headers, options))).toEqual(expected);
      expect(verdict(await verifyWebhook(new TextEncoder().encode(v.body), new Headers(v.headers), options))).toEqual(
        expected,
      );
      expect(verdict(await verifyWith(webOnly, v.body, headerReader(v.headers), options))).toEqual(expected);
    });
  }
});

/** The official library's verdict: valid when any of the secrets verifies (it takes one secret). */
function officialVerdict(Library: typeof StandardWebhook | typeof SvixWebhook, v: VerifyingVector): boolean {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(v.now * 1000);
  return v.secrets.some((secret) => {
    try {
      new Library(secret).verify(v.body, v.headers);
      return true;
    } catch {
      return false;
    }
  });
}

describe('the official libraries agree with every verifying vector', () => {
  const officialTolerance = vectors.verifying.filter((v) => v.toleranceSeconds === undefined);
  it('standardwebhooks 1.1.1 (webhook-* headers)', () => {
    const cases = officialTolerance.filter((v) => !Object.keys(v.headers).some((k) => k.startsWith('svix-')));
    expect(cases.length).toBeGreaterThan(20);
    for (const v of cases) expect(officialVerdict(StandardWebhook, v), v.description).toBe(v.valid);
  });
  it("svix 2.5.0's Webhook.verify (either header set)", () => {
    for (const v of officialTolerance) expect(officialVerdict(SvixWebhook, v), v.description).toBe(v.valid);
  });
});

describe('interoperability, both ways', () => {
  const id = 'msg_interop';
  const now = new Date();

  it('headers signed here verify with standardwebhooks and with svix (as svix-* headers)', async () => {
    for (const body of [BODY, '', '{"x":"Zoë 🙂"}']) {
      const headers = await signWebhook(body, { secret: A, id });
      expect(() => new StandardWebhook(A).verify(body, headers)).not.toThrow();
      const svixHeaders = {
        'svix-id': headers['webhook-id'],
        'svix-timestamp': headers['webhook-timestamp'],
        'svix-signature': headers['webhook-signature'],
      };
      expect(() => new SvixWebhook(A).verify(body, svixHeaders)).not.toThrow();
      expect(() => new StandardWebhook(B).verify(body, headers)).toThrow(/No matching signature/);
    }
  });

  it('headers signed by standardwebhooks and by svix verify here', async () => {
    const signature = new StandardWebhook(A).sign(id, now, BODY);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const ours = await verifyWebhook(
      BODY,
      { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature },
      { secret: A },
    );
    expect(ours).toEqual({ valid: true, id, timestamp: new Date(Number(timestamp) * 1000) });
    const svixSignature = new SvixWebhook(A).sign(id, now, BODY);
    const svix = { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': svixSignature };
    expect((await verifyWebhook(BODY, svix, { secret: A })).valid).toBe(true);
    expect(await verifyWebhook(BODY, svix, { secret: B })).toMatchObject({
      valid: false,
      reason: 'no-matching-signature',
    });
  });

  it('rotation on the sender: a header carrying signatures by both secrets verifies everywhere with either', async () => {
    const ours = await signWebhook(BODY, { secret: B, id });
    const theirs = new StandardWebhook(A).sign(id, new Date(Number(ours['webhook-timestamp']) * 1000), BODY);
    const headers = { ...ours, 'webhook-signature': `${theirs} ${ours['webhook-signature']}` };
    for (const secret of [A, B]) {
      expect(() => new StandardWebhook(secret).verify(BODY, headers)).not.toThrow();
      expect((await verifyWebhook(BODY, headers, { secret })).valid).toBe(true);
    }
  });

  it('rotation on the receiver: either of two secrets accepts what the official library signed', async () => {
    for (const secret of [A, B]) {
      const signature = new StandardWebhook(secret).sign(id, now, BODY);
      const timestamp = String(Math.floor(now.getTime() / 1000));
      const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
      expect((await verifyWebhook(BODY, headers, { secret: [A, B] })).valid).toBe(true);
      expect((await verifyWebhook(BODY, headers, { secret: secret === A ? B : A })).valid).toBe(false);
    }
  });
});

describe('verifyWebhook on hostile input', () => {
  const good = async () => signWebhook(BODY, { secret: A, id: 'msg_h' });

  it('webhook-* wins over svix-* when both are present (clarifications-2)', async () => {
    const headers = await good();
    const both = { ...headers, 'svix-id': 'msg_other', 'svix-timestamp': '1', 'svix-signature': 'v1,AAAA' };
    expect((await verifyWebhook(BODY, both, { secret: A })).valid).toBe(true);
    const svixOnlyGood = {
      'webhook-signature': 'v1,AAAA',
      'svix-id': headers['webhook-id'],
      'svix-timestamp': headers['webhook-timestamp'],
      'svix-signature': headers['webhook-signature'],
    };
    expect(await verifyWebhook(BODY, svixOnlyGood, { secret: A })).toMatchObject({ reason: 'no-matching-signature' });
  });

  it('a timestamp with trailing garbage is bad-timestamp (the official library parseInt()s it and accepts)', async () => {
    const headers = await good();
    for (const stamp of [
      `${headers['webhook-timestamp']}abc`,
      ` ${headers['webhook-timestamp']}`,
      '-5',
      '1e9',
      '0x10',
    ]) {
      const result = await verifyWebhook(BODY, { ...headers, 'webhook-timestamp': stamp }, { secret: A });
      expect(result, stamp).toMatchObject({ valid: false, reason: 'bad-timestamp' });
    }
  });

  it('never rejects, whatever the headers and body', async () => {
    const headers = await good();
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      'webhook-id: x',
      [],
      {
        get: () => {
          throw new Error('boom');
        },
      },
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('boom');
          },
          get: () => {
            throw new Error('boom');
          },
        },
      ),
      { 'webhook-id': ['msg_h'], 'webhook-timestamp': [headers['webhook-timestamp']], 'webhook-signature': [1, 2] },
      { ...headers, 'webhook-signature': `${'v1,'.repeat(5000)}` },
      { ...headers, 'webhook-signature': 'v1,' + 'A'.repeat(100_000) },
      { ...headers, 'webhook-timestamp': '9'.repeat(400) },
    ];
    for (const h of hostile) {
      const result = await verifyWebhook(BODY, h as never, { secret: A });
      expect(result.valid).toBe(false);
    }
    for (const body of [null, undefined, 42, {}, ['x']]) {
      expect(await verifyWebhook(body as never, headers, { secret: A })).toMatchObject({ valid: false });
    }
    for (const secret of ['', 'whsec_', 'whsec_====', 'whsec_A', [], [A, 'nope!'], 7, null]) {
      expect(await verifyWebhook(BODY, headers, { secret: secret as never })).toMatchObject({ reason: 'bad-secret' });
    }
  });

  it('array headers (Node.js IncomingHttpHeaders of a repeated header) join as one signature list', async () => {
    const headers = await good();
    const node = { ...headers, 'webhook-signature': ['v1,AAAA', headers['webhook-signature']] };
    expect((await verifyWebhook(BODY, node, { secret: A })).valid).toBe(true);
  });

  it('a tolerance that is not a number of seconds is a programming error (TypeError)', async () => {
    const headers = await good();
    await expect(verifyWebhook(BODY, headers, { secret: A, toleranceSeconds: -1 })).rejects.toThrow(TypeError);
    await expect(verifyWebhook(BODY, headers, { secret: A, toleranceSeconds: NaN })).rejects.toThrow(TypeError);
  });
});

describe('signWebhook', () => {
  it('generates a fresh id and takes the time now when they are absent', async () => {
    const before = Math.floor(Date.now() / 1000);
    const one = await signWebhook(BODY, { secret: A });
    const two = await signWebhook(BODY, { secret: A });
    expect(one['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(one['webhook-id']).not.toBe(two['webhook-id']);
    expect(Number(one['webhook-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(() => new StandardWebhook(A).verify(BODY, one)).not.toThrow();
  });

  it('throws a TypeError for a bad secret, id or timestamp', async () => {
    await expect(signWebhook(BODY, { secret: 'not base64!' })).rejects.toThrow(/whsec_/);
    await expect(signWebhook(BODY, { secret: A, id: '' })).rejects.toThrow(TypeError);
    await expect(signWebhook(BODY, { secret: A, id: 'a b' })).rejects.toThrow(TypeError);
    await expect(signWebhook(BODY, { secret: A, timestamp: 1.5 })).rejects.toThrow(TypeError);
    await expect(signWebhook(BODY, { secret: A, timestamp: new Date(NaN) })).rejects.toThrow(TypeError);
  });

  it('imports a key once per secret (Web Crypto path), not once per call', async () => {
    const keys = new SigningKeys({ webCryptoOnly: true });
    const importKey = vi.spyOn(crypto.subtle, 'importKey');
    const headers = await signWebhook(BODY, { secret: B, id: 'msg_k' });
    for (let i = 0; i < 20; i++) {
      expect((await verifyWith(keys, BODY, headerReader(headers), { secret: B })).valid).toBe(true);
    }
    expect(importKey).toHaveBeenCalledTimes(1);
  });
});
