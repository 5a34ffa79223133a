// Checks a running Gantry with the official `ollama` npm package, as an app pointed at Gantry
// instead of an Ollama server would use it.
//
//   GANTRY_URL            e.g. http://127.0.0.1:8080      (required; what OLLAMA_HOST would be)
//   GANTRY_KEY            a Gantry key                      (required)
//   GANTRY_MODEL          a model an Ollama node serves     (required)
//   GANTRY_OPENAI_MODEL   a model an OpenAI-compatible server serves (required)
//   GANTRY_EMBED_MODEL    an embedding model                (required)
//   GANTRY_BROKEN_MODEL   a model whose stream fails after two tokens (optional)
//
// Expects upstreams that behave like the test fakes: a chat answers "Hello from <model>!" in four
// tokens after a 12-token prompt, and a chat with tools answers one call to the first tool with
// arguments {"city":"Oslo"}. Prints one line per check; exits 1 if any failed, 2 on bad usage.

import { readFileSync } from 'node:fs';
import { Ollama } from 'ollama';

function env(name, required = true) {
  const value = process.env[name];
  if (!value && required) {
    console.error(`usage: set ${name} (see the header of ollama-client-test.mjs)`);
    process.exit(2);
  }
  return value;
}

const host = env('GANTRY_URL');
const key = env('GANTRY_KEY');
const model = env('GANTRY_MODEL');
const openaiModel = env('GANTRY_OPENAI_MODEL');
const embedModel = env('GANTRY_EMBED_MODEL');
const brokenModel = env('GANTRY_BROKEN_MODEL', false);

const ollama = new Ollama({ host, headers: { Authorization: `Bearer ${key}` } });
const hello = (m) => `Hello from ${m}!`;
const messages = [{ role: 'user', content: 'Say hello' }];
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

class Mismatch extends Error {}

function expect(condition, message) {
  if (!condition) {
    throw new Mismatch(message);
  }
}

const show = (value) => JSON.stringify(value);

function expectFinal(part, where, evalCount = 4) {
  expect(part.done === true, `${where}: done is ${show(part.done)}`);
  expect(part.done_reason === 'stop', `${where}: done_reason ${show(part.done_reason)}, expected "stop"`);
  expect(part.prompt_eval_count === 12, `${where}: prompt_eval_count ${show(part.prompt_eval_count)}, expected 12`);
  expect(part.eval_count === evalCount, `${where}: eval_count ${show(part.eval_count)}, expected ${evalCount}`);
  for (const d of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration']) {
    expect(Number.isInteger(part[d]) && part[d] >= 0, `${where}: ${d} ${show(part[d])} is not a duration in ns`);
  }
}

async function expectResponseError(promise, status, text) {
  try {
    await promise;
  } catch (e) {
    expect(e?.name === 'ResponseError', `expected a ResponseError, got ${e?.name}: ${e?.message}`);
    expect(e.status_code === status, `status_code ${e.status_code}, expected ${status}`);
    expect(!text || e.error === text, `error ${show(e.error)}, expected ${show(text)}`);
    return `${e.status_code} ${e.error}`;
  }
  throw new Mismatch('the request succeeded');
}

const checks = [
  ['chat, not streamed (Ollama node, relayed)', async () => {
    const r = await ollama.chat({ model, messages });
    expect(r.message?.role === 'assistant', `role ${show(r.message?.role)}`);
    expect(r.message?.content === hello(model), `content ${show(r.message?.content)}, expected ${show(hello(model))}`);
    expectFinal(r, 'chat');
    return show(r.message.content);
  }],

  ['chat, streamed (Ollama node, relayed)', async () => {
    let text = '';
    let parts = 0;
    let last = null;
    for await (const part of await ollama.chat({ model, messages, stream: true })) {
      parts++;
      text += part.message?.content ?? '';
      last = part;
    }
    expect(text === hello(model), `streamed ${show(text)}, expected ${show(hello(model))}`);
    expectFinal(last, 'last part');
    return `${show(text)} in ${parts} parts`;
  }],

  ['chat, streamed (OpenAI-compatible upstream, translated)', async () => {
    let text = '';
    let last = null;
    for await (const part of await ollama.chat({ model: openaiModel, messages, stream: true, options: { temperature: 0.2 } })) {
      expect(part.model === openaiModel, `part model ${show(part.model)}`);
      text += part.message?.content ?? '';
      last = part;
    }
    expect(text === hello(openaiModel), `streamed ${show(text)}, expected ${show(hello(openaiModel))}`);
    expectFinal(last, 'last part');
    return show(text);
  }],

  ['tool call with object arguments (both upstreams)', async () => {
    const seen = [];
    for (const m of [model, openaiModel]) {
      const r = await ollama.chat({ model: m, messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [weatherTool] });
      const calls = r.message?.tool_calls ?? [];
      expect(calls.length === 1, `${m}: expected one tool call, got ${show(calls)}`);
      const fn = calls[0].function;
      expect(fn.name === 'get_weather', `${m}: tool name ${show(fn.name)}`);
      expect(typeof fn.arguments === 'object' && fn.arguments !== null, `${m}: arguments are not an object: ${show(fn.arguments)}`);
      expect(fn.arguments.city === 'Oslo', `${m}: arguments ${show(fn.arguments)}`);
      expect(r.done_reason === 'stop', `${m}: done_reason ${show(r.done_reason)}`);
      seen.push(`${m}: ${fn.name}(${show(fn.arguments)})`);
    }
    return seen.join(', ');
  }],

  ['generate, not streamed and streamed', async () => {
    const r = await ollama.generate({ model, prompt: 'Say hello', system: 'Be brief.' });
    expect(r.response === hello(model), `response ${show(r.response)}`);
    expectFinal(r, 'generate');
    let text = '';
    let last = null;
    for await (const part of await ollama.generate({ model: openaiModel, prompt: 'Say hello', stream: true })) {
      text += part.response ?? '';
      last = part;
    }
    expect(text === hello(openaiModel), `streamed ${show(text)}`);
    expectFinal(last, 'generate stream');
    return `${show(r.response)}, ${show(text)}`;
  }],

  ['embed and legacy embeddings', async () => {
    const r = await ollama.embed({ model: embedModel, input: ['first text', 'second text'] });
    expect(Array.isArray(r.embeddings) && r.embeddings.length === 2, `embeddings ${show(r.embeddings)}`);
    for (const v of r.embeddings) {
      expect(v.length > 0 && v.every((x) => typeof x === 'number'), `vector ${show(v)}`);
      const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
      expect(Math.abs(norm - 1) < 1e-3, `norm ${norm}, expected a normalised vector`);
    }
    const legacy = await ollama.embeddings({ model: embedModel, prompt: 'first text' });
    expect(Array.isArray(legacy.embedding), `embedding ${show(legacy)}`);
    legacy.embedding.forEach((x, i) => expect(Math.abs(x - r.embeddings[0][i]) < 1e-6, `legacy[${i}] ${x} vs ${r.embeddings[0][i]}`));
    return `2 x ${r.embeddings[0].length} dims; legacy matches`;
  }],

  ['list shows every model, including the OpenAI-backed one', async () => {
    const r = await ollama.list();
    const names = r.models.map((m) => m.name);
    expect(names.includes(model), `models ${show(names)} lack ${model}`);
    expect(names.includes(`${openaiModel}:latest`), `models ${show(names)} lack ${openaiModel}:latest`);
    for (const m of r.models) {
      expect(typeof m.digest === 'string' && /^[0-9a-f]{64}$/.test(m.digest), `digest of ${m.name}: ${show(m.digest)}`);
      expect(!Number.isNaN(Date.parse(m.modified_at)), `modified_at of ${m.name}: ${show(m.modified_at)}`);
      expect(m.details && typeof m.details === 'object', `details of ${m.name}`);
    }
    return show(names);
  }],

  ['show, version, ps', async () => {
    const s = await ollama.show({ model: openaiModel });
    expect(typeof s.modelfile === 'string' && s.modelfile.length > 0, `modelfile ${show(s.modelfile)}`);
    expect(Array.isArray(s.capabilities) && s.capabilities.includes('completion'), `capabilities ${show(s.capabilities)}`);
    const v = await ollama.version();
    expect(/^\d+\.\d+\.\d+$/.test(v.version), `version ${show(v)}`);
    const ps = await ollama.ps();
    expect(Array.isArray(ps.models), `ps ${show(ps)}`);
    return `version ${v.version}, capabilities ${show(s.capabilities)}`;
  }],

  ['unknown model -> ResponseError 404', async () =>
    expectResponseError(ollama.chat({ model: 'no-such-model', messages }), 404, "model 'no-such-model' not found")],

  ['wrong key -> ResponseError 401', async () => {
    const bad = new Ollama({ host, headers: { Authorization: 'Bearer sk-wrong-key' } });
    return expectResponseError(bad.list(), 401);
  }],

  ['a stream failing mid-way raises the error line', async () => {
    if (!brokenModel) {
      return 'skipped (GANTRY_BROKEN_MODEL not set)';
    }
    let text = '';
    try {
      for await (const part of await ollama.chat({ model: brokenModel, messages, stream: true })) {
        text += part.message?.content ?? '';
      }
    } catch (e) {
      expect(!(e instanceof Mismatch), e.message);
      expect(text.length > 0, 'the error came before any text');
      expect(/boom/.test(e.message), `error message ${show(e.message)}`);
      return `${show(text)}, then ${show(e.message)}`;
    }
    throw new Mismatch(`the broken stream ended without an error after ${show(text)}`);
  }],
];

function describe(e) {
  const status = e?.status_code ? ` (HTTP ${e.status_code})` : '';
  const cause = e?.cause?.message ? `; cause: ${e.cause.message}` : '';
  return `${e?.name ?? 'error'}${status}: ${String(e?.message ?? e).replace(/\s+/g, ' ')}${cause}`;
}

let failed = 0;
for (const [name, check] of checks) {
  try {
    console.log(`ok   ${name}: ${await check()}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e instanceof Mismatch ? e.message : describe(e)}`);
  }
}
if (failed > 0) {
  console.error(`${failed} of ${checks.length} checks failed against ${host}`);
  process.exit(1);
}
let version = '?';
try {
  version = JSON.parse(readFileSync(new URL('./node_modules/ollama/package.json', import.meta.url), 'utf8')).version;
} catch {
  // only for the summary line
}
console.log(`all ${checks.length} checks passed against ${host} (ollama npm ${version})`);
