// Lambda@Edge handler (runtime nodejs20.x, handler "index.handler"): the edge-adapter handlers,
// compiled to WebAssembly, behind CloudFront's four triggers.
//
// The module is instantiated once per cold start, with the configuration that build.sh baked
// into config.json next to this file (Lambda@Edge has no environment variables). Each event is
// passed in as JSON together with the current time; what comes back is the request to continue
// with or the response to send. The Rust side dispatches on
// `event.Records[0].cf.config.eventType` and the request's origin (S3 or custom).
//
// Fails closed: a configuration the module rejects makes the cold start throw, an event it
// cannot handle makes the invocation throw (CloudFront then answers 5xx); nothing is let through
// by default. After a WebAssembly trap the instance is discarded and rebuilt.
//
// No dependencies beyond Node itself.

import { readFileSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Build a handler for one configuration.
 *
 * @param {object|string} config  the EdgeConfig JSON (see edge-adapter's `EdgeConfig::from_json`)
 * @param {object} [options]
 * @param {() => number} [options.now]  the clock, in Unix seconds (default: Date.now() / 1000)
 * @param {BufferSource} [options.wasm]  the module's bytes (default: edge_function.wasm here)
 * @returns {Promise<(event: object) => Promise<object>>}
 */
export async function createHandler(config, options = {}) {
  const now = options.now ?? (() => Date.now() / 1000);
  const bytes = options.wasm ?? readFileSync(new URL('edge_function.wasm', here));
  const module = await WebAssembly.compile(bytes);
  const configJson = typeof config === 'string' ? config : JSON.stringify(config);
  let logDecisions = false;

  const instantiate = async () => {
    // No imports: the module needs nothing from the host but its two buffers.
    const instance = await WebAssembly.instantiate(module, {});
    const summary = call(instance, 'edge_configure', configJson);
    if (summary.error) {
      throw new Error(`edge function: configuration rejected: ${summary.error}`);
    }
    logDecisions = summary.log_decisions === true;
    return instance;
  };

  let instance = await instantiate();

  return async function handler(event) {
    instance ??= await instantiate();
    let out;
    try {
      out = call(instance, 'edge_handle', JSON.stringify(event), now());
    } catch (trap) {
      instance = null; // its state is unknown after a trap: start over on the next event
      throw trap;
    }
    if (out.error) {
      throw new Error(`edge function: ${out.error}`);
    }
    if (logDecisions) {
      const cf = event?.Records?.[0]?.cf;
      // Decision codes only: no URI, no cookies.
      console.log(
        JSON.stringify({
          eventType: cf?.config?.eventType,
          requestId: cf?.config?.requestId,
          decision: out.decision,
        }),
      );
    }
    return out.result;
  };
}

/** Copy `text` into the module, call `name(len, ...args)`, read the JSON answer back. */
function call(instance, name, text, ...args) {
  const { memory, edge_input, edge_output } = instance.exports;
  const input = encoder.encode(text);
  const at = edge_input(input.length) >>> 0;
  // A fresh view after every call: a call may grow (and so move) the memory buffer.
  new Uint8Array(memory.buffer, at, input.length).set(input);
  const length = instance.exports[name](input.length, ...args) >>> 0;
  const output = new Uint8Array(memory.buffer, edge_output() >>> 0, length);
  return JSON.parse(decoder.decode(output));
}

// The deployed handler: configured from config.json at cold start (the init phase).
const ready = (async () =>
  createHandler(readFileSync(new URL('config.json', here), 'utf8')))();
// Rejections surface in `handler`; don't let an unhandled one end the process first.
ready.catch(() => {});

export const handler = async (event) => (await ready)(event);
