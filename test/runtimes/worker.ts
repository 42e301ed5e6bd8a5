// The shared receiver as a Cloudflare Worker (run by workerd): the module bundled by esbuild
// (format esm, platform neutral, no Node.js built-in) exports the fetch handler.
import { createFetchApp } from './receiver.js';

export default { fetch: createFetchApp() };
