// TextDecoder is a global in Node.js and in browsers; declared here so the library needs neither
// @types/node nor the DOM lib, and stays usable from both.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
