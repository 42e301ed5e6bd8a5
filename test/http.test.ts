// The HTTP helpers shared by the receiver and `listen`: the answer's Content-Length, and reading a
// body from a Node.js stream or from any async iterable.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody, writeAnswer } from '../src/http.js';

describe('writeAnswer', () => {
  for (const value of [
    'plain',
    'é and ß',
    '漢字',
    '🚀👍🏽',
    'mixed ascii 🚀 é 漢',
    '\u0000\u001f\u007f\u0080\u07ff\u0800\uffff',
  ]) {
    it(`declares the UTF-8 length of ${JSON.stringify(value)}`, () => {
      let head: Record<string, string | number> = {};
      let sent = '';
      writeAnswer(
        {
          writeHead: (_status, headers) => {
            head = headers ?? {};
          },
          end: (chunk) => {
            sent = chunk ?? '';
          },
        },
        { status: 200, headers: { 'content-type': 'application/json' }, text: JSON.stringify({ value }) },
      );
      expect(head['content-length']).toBe(Buffer.byteLength(sent));
    });
  }
});

describe('readBody', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it('reads a Node.js stream by its events, in one piece or many', async () => {
    expect(new TextDecoder().decode(await readBody(Readable.from([bytes('{"a":'), bytes('1}')]), 100))).toBe('{"a":1}');
    expect(new TextDecoder().decode(await readBody(Readable.from(['str', 'ing'], { objectMode: true }), 100))).toBe(
      'string',
    );
  });
  it('reads any async iterable', async () => {
    async function* pieces() {
      yield bytes('ab');
      yield 'cd';
    }
    expect(new TextDecoder().decode(await readBody(pieces(), 100))).toBe('abcd');
  });
  it('stops at the limit, whichever way it reads', async () => {
    await expect(readBody(Readable.from([bytes('x'.repeat(60)), bytes('x'.repeat(60))]), 100)).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
    async function* big() {
      yield bytes('x'.repeat(101));
    }
    await expect(readBody(big(), 100)).rejects.toBeInstanceOf(BodyTooLargeError);
    await expect(readBody(Readable.from([]), 100, '101')).rejects.toBeInstanceOf(BodyTooLargeError);
  });
  it('rejects a stream destroyed mid-body, and gives an ended stream as empty', async () => {
    const stream = new Readable({ read() {} });
    const reading = readBody(stream, 100);
    stream.push(bytes('{"a"'));
    stream.destroy();
    await expect(reading).rejects.toThrow();
    const ended = Readable.from([bytes('x')]);
    await readBody(ended, 100);
    expect(await readBody(ended, 100)).toHaveLength(0);
  });
});
