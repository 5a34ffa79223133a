// Checks a running Gantry with the official `openai` npm SDK.
//
//   GANTRY_BASE_URL  e.g. http://127.0.0.1:8080/v1   (required; "/v1" is appended when missing)
//   GANTRY_KEY       a Gantry key                      (required)
//   GANTRY_MODEL     a chat model Gantry serves        (required)
//   GANTRY_EMBED_MODEL  model for /v1/embeddings      (optional, defaults to GANTRY_MODEL)
//
// Expects an upstream that behaves like the test fake: chat answers "Hello from <model>!", and a
// chat with tools answers one call to the first tool with arguments {"city":"Oslo"}.
// Prints one line per check; exits 1 if any check failed, 2 on bad usage.

import { readFileSync } from 'node:fs';
import OpenAI from 'openai';

function env(name, fallback) {
  const value = process.env[name] ?? fallback;
  if (!value) {
    console.error(`usage: set ${name} (see the header of openai-client-test.mjs)`);
    process.exit(2);
  }
  return value;
}

let baseURL = env('GANTRY_BASE_URL').replace(/\/+$/, '');
if (!baseURL.endsWith('/v1')) {
  baseURL += '/v1';
}
const apiKey = env('GANTRY_KEY');
const model = env('GANTRY_MODEL');
const embedModel = env('GANTRY_EMBED_MODEL', model);
const expectedText = `Hello from ${model}!`;

const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20_000 });

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    },
  },
};

class Mismatch extends Error {}

function expect(condition, message) {
  if (!condition) {
    throw new Mismatch(message);
  }
}

function show(value) {
  return JSON.stringify(value, (k, v) => (v instanceof Float32Array ? Array.from(v) : v));
}

function expectOsloArguments(args, where) {
  let parsed;
  try {
    parsed = JSON.parse(args);
  } catch (e) {
    throw new Mismatch(`${where}: arguments are not JSON: ${show(args)}`);
  }
  expect(show(parsed) === show({ city: 'Oslo' }), `${where}: arguments ${show(args)}, expected {"city":"Oslo"}`);
}

const checks = [
  ['non-stream chat', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    expect(completion.object === 'chat.completion', `object is ${show(completion.object)}`);
    const choice = completion.choices?.[0];
    expect(choice, `no choices: ${show(completion)}`);
    expect(choice.message.role === 'assistant', `role is ${show(choice.message.role)}`);
    expect(choice.message.content === expectedText, `content ${show(choice.message.content)}, expected ${show(expectedText)}`);
    expect(choice.finish_reason === 'stop', `finish_reason ${show(choice.finish_reason)}, expected "stop"`);
    expect(completion.usage?.prompt_tokens === 12, `usage.prompt_tokens ${show(completion.usage)}, expected 12`);
    return show(choice.message.content);
  }],

  ['streaming chat (raw chunks)', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish = null;
    let chunks = 0;
    let usage = null;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object === 'chat.completion.chunk', `chunk object is ${show(chunk.object)}`);
      for (const choice of chunk.choices) {
        text += choice.delta?.content ?? '';
        if (choice.finish_reason) {
          finish = choice.finish_reason;
        }
      }
      if (chunk.usage) {
        usage = chunk.usage;
      }
    }
    expect(text === expectedText, `streamed text ${show(text)}, expected ${show(expectedText)}`);
    expect(finish === 'stop', `finish_reason ${show(finish)}, expected "stop"`);
    expect(usage?.prompt_tokens === 12, `usage ${show(usage)}, expected prompt_tokens 12`);
    return `${show(text)} in ${chunks} chunks`;
  }],

  ['streaming chat (stream helper)', async () => {
    const runner = client.chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'Say hello' }],
    });
    let deltas = '';
    runner.on('content', (delta) => { deltas += delta; });
    const final = await runner.finalChatCompletion();
    const content = final.choices[0]?.message?.content;
    expect(content === expectedText, `final content ${show(content)}, expected ${show(expectedText)}`);
    expect(deltas === expectedText, `content events ${show(deltas)}, expected ${show(expectedText)}`);
    return show(content);
  }],

  ['non-stream tool call', async () => {
    const completion = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
    });
    const choice = completion.choices[0];
    expect(choice.finish_reason === 'tool_calls', `finish_reason ${show(choice.finish_reason)}, expected "tool_calls"`);
    const calls = choice.message.tool_calls ?? [];
    expect(calls.length === 1, `expected one tool call, got ${show(calls)}`);
    const call = calls[0];
    expect(typeof call.id === 'string' && call.id.length > 0, `tool call id ${show(call.id)}`);
    expect(call.type === 'function', `tool call type ${show(call.type)}`);
    expect(call.function.name === 'get_weather', `tool name ${show(call.function.name)}`);
    expectOsloArguments(call.function.arguments, 'non-stream tool call');
    return `${call.id} ${call.function.name}(${call.function.arguments})`;
  }],

  ['streamed tool call (deltas by index)', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
      stream: true,
    });
    const calls = new Map();
    let finish = null;
    for await (const chunk of stream) {
      for (const choice of chunk.choices) {
        for (const delta of choice.delta?.tool_calls ?? []) {
          expect(Number.isInteger(delta.index), `tool call delta without index: ${show(delta)}`);
          const call = calls.get(delta.index) ?? { id: '', name: '', arguments: '' };
          if (delta.id) {
            expect(!call.id || call.id === delta.id, `tool call ${delta.index} changed id ${call.id} -> ${delta.id}`);
            call.id = delta.id;
          }
          call.name += delta.function?.name ?? '';
          call.arguments += delta.function?.arguments ?? '';
          calls.set(delta.index, call);
        }
        if (choice.finish_reason) {
          finish = choice.finish_reason;
        }
      }
    }
    expect(calls.size === 1, `expected one streamed tool call, got ${show([...calls.entries()])}`);
    const call = calls.get(0);
    expect(call, `the streamed tool call does not have index 0: ${show([...calls.entries()])}`);
    expect(call.id.length > 0, 'streamed tool call has no id');
    expect(call.name === 'get_weather', `streamed tool name ${show(call.name)}`);
    expectOsloArguments(call.arguments, 'streamed tool call');
    expect(finish === 'tool_calls', `finish_reason ${show(finish)}, expected "tool_calls"`);
    return `${call.id} ${call.name}(${call.arguments})`;
  }],

  ['streamed tool call (stream helper)', async () => {
    const runner = client.chat.completions.stream({
      model,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
    });
    const done = [];
    runner.on('tool_calls.function.arguments.done', (event) => done.push(event));
    const final = await runner.finalChatCompletion();
    const choice = final.choices[0];
    expect(choice.finish_reason === 'tool_calls', `finish_reason ${show(choice.finish_reason)}, expected "tool_calls"`);
    const calls = choice.message.tool_calls ?? [];
    expect(calls.length === 1, `expected one tool call, got ${show(calls)}`);
    expect(calls[0].id, 'tool call has no id');
    expect(calls[0].function.name === 'get_weather', `tool name ${show(calls[0].function.name)}`);
    expectOsloArguments(calls[0].function.arguments, 'stream helper tool call');
    expect(done.length === 1 && done[0].name === 'get_weather', `arguments.done events ${show(done)}`);
    return `${calls[0].id} ${calls[0].function.name}(${calls[0].function.arguments})`;
  }],

  ['embeddings (SDK default: base64, decoded)', async () => {
    const input = ['first text', 'second text'];
    const decoded = await client.embeddings.create({ model: embedModel, input });
    const floats = await client.embeddings.create({ model: embedModel, input, encoding_format: 'float' });
    expect(decoded.object === 'list', `object ${show(decoded.object)}`);
    expect(decoded.data.length === 2, `expected 2 embeddings, got ${decoded.data.length}`);
    for (let i = 0; i < 2; i++) {
      const a = decoded.data[i];
      const b = floats.data[i];
      expect(a.index === i, `data[${i}].index is ${a.index}`);
      expect(typeof a.embedding !== 'string', `data[${i}].embedding was not decoded: ${show(a.embedding)}`);
      const vector = Array.from(a.embedding);
      expect(vector.length > 0 && vector.every((x) => typeof x === 'number' && Number.isFinite(x)),
        `data[${i}].embedding is not a vector of numbers: ${show(vector)}`);
      expect(Array.isArray(b.embedding), `float data[${i}].embedding is not an array: ${show(b.embedding)}`);
      expect(vector.length === b.embedding.length, `dimension ${vector.length} (base64) vs ${b.embedding.length} (float)`);
      vector.forEach((x, j) => expect(Math.abs(x - b.embedding[j]) < 1e-6,
        `data[${i}][${j}] base64 ${x} vs float ${b.embedding[j]}`));
      const norm = Math.sqrt(vector.reduce((s, x) => s + x * x, 0));
      expect(Math.abs(norm - 1) < 1e-3, `data[${i}] norm ${norm}, expected a normalised vector`);
    }
    expect(decoded.usage && typeof decoded.usage.prompt_tokens === 'number', `usage ${show(decoded.usage)}`);
    return `${decoded.data.length} x ${decoded.data[0].embedding.length} dims, base64 == float`;
  }],

  ['models.list()', async () => {
    const ids = [];
    for await (const m of client.models.list()) {
      expect(m.object === 'model', `model object ${show(m)}`);
      ids.push(m.id);
    }
    expect(ids.includes(model), `models ${show(ids)} do not include ${show(model)}`);
    const one = await client.models.retrieve(model);
    expect(one.id === model, `retrieve returned ${show(one)}`);
    return show(ids);
  }],

  ['wrong key -> AuthenticationError', async () => {
    const bad = new OpenAI({ baseURL, apiKey: 'sk-wrong-key', maxRetries: 0, timeout: 20_000 });
    try {
      await bad.models.list();
    } catch (e) {
      expect(e instanceof OpenAI.AuthenticationError, `expected AuthenticationError, got ${e?.constructor?.name}: ${e?.message}`);
      expect(e.status === 401, `status ${e.status}`);
      return `${e.status} ${e.code ?? ''}`.trim();
    }
    throw new Mismatch('a wrong key was accepted');
  }],

  ['unknown model -> NotFoundError', async () => {
    try {
      await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] });
    } catch (e) {
      expect(e instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${e?.constructor?.name}: ${e?.message}`);
      expect(e.status === 404, `status ${e.status}`);
      return `${e.status} ${e.code ?? ''}`.trim();
    }
    throw new Mismatch('an unknown model was accepted');
  }],
];

// An unexpected error on one line: its class, HTTP status if any, message and cause.
function describe(e) {
  const status = e?.status ? ` (HTTP ${e.status})` : '';
  const cause = e?.cause?.message ? `; cause: ${e.cause.message}` : '';
  return `${e?.constructor?.name ?? 'error'}${status}: ${String(e?.message ?? e).replace(/\s+/g, ' ')}${cause}`;
}

let failed = 0;
for (const [name, check] of checks) {
  try {
    const detail = await check();
    console.log(`ok   ${name}: ${detail}`);
  } catch (e) {
    failed++;
    const reason = e instanceof Mismatch ? e.message : describe(e);
    console.log(`FAIL ${name}: ${reason}`);
  }
}
if (failed > 0) {
  console.error(`${failed} of ${checks.length} checks failed against ${baseURL}`);
  process.exit(1);
}
let sdkVersion = '?';
try {
  sdkVersion = JSON.parse(readFileSync(new URL('./node_modules/openai/package.json', import.meta.url), 'utf8')).version;
} catch {
  // only for the summary line
}
console.log(`all ${checks.length} checks passed against ${baseURL} (openai npm ${sdkVersion})`);
