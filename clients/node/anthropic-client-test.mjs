// Checks a running Gantry's Anthropic Messages surface with the official `@anthropic-ai/sdk` npm SDK.
//
//   GANTRY_BASE_URL  e.g. http://127.0.0.1:8080   (required; the SDK adds /v1/messages; a trailing /v1 is removed)
//   GANTRY_KEY       a Gantry key                  (required)
//   GANTRY_MODEL     a chat model Gantry serves    (required)
//
// Expects an upstream that behaves like the test fake: a message is answered "Hello from <model>!",
// and a message with tools is answered by one call to the first tool with input {"city":"Oslo"}.
// Prints one line per check; exits 1 if any check failed, 2 on bad usage.

import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';

function env(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`usage: set ${name} (see the header of anthropic-client-test.mjs)`);
    process.exit(2);
  }
  return value;
}

const baseURL = env('GANTRY_BASE_URL').replace(/\/+$/, '').replace(/\/v1$/, '');
const apiKey = env('GANTRY_KEY');
const model = env('GANTRY_MODEL');
const expectedText = `Hello from ${model}!`;

const client = new Anthropic({ baseURL, apiKey, maxRetries: 0, timeout: 20_000 });

const weatherTool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};

const hello = { model, max_tokens: 256, messages: [{ role: 'user', content: 'Say hello' }] };
const weather = { model, max_tokens: 256, messages: [{ role: 'user', content: 'Weather in Oslo?' }], tools: [weatherTool] };

class Mismatch extends Error {}

function expect(condition, message) {
  if (!condition) {
    throw new Mismatch(message);
  }
}

function show(value) {
  return JSON.stringify(value);
}

function expectOslo(input, where) {
  expect(show(input) === show({ city: 'Oslo' }), `${where}: input ${show(input)}, expected {"city":"Oslo"}`);
}

function toolUse(message, where) {
  const uses = message.content.filter((b) => b.type === 'tool_use');
  expect(uses.length === 1, `${where}: expected one tool_use block, got ${show(message.content)}`);
  expect(message.stop_reason === 'tool_use', `${where}: stop_reason ${show(message.stop_reason)}, expected "tool_use"`);
  expect(uses[0].name === 'get_weather', `${where}: tool name ${show(uses[0].name)}`);
  expect(typeof uses[0].id === 'string' && uses[0].id.length > 0, `${where}: tool_use id ${show(uses[0].id)}`);
  expectOslo(uses[0].input, where);
  return uses[0];
}

async function expectApiError(call, errorClass, status, type) {
  try {
    await call();
  } catch (e) {
    expect(e instanceof errorClass, `expected ${errorClass.name}, got ${e?.constructor?.name}: ${e?.message}`);
    expect(e.status === status, `status ${e.status}, expected ${status}`);
    expect(e.error?.type === 'error' && e.error?.error?.type === type, `error body ${show(e.error)}, expected type ${type}`);
    return `${e.status} ${e.error.error.type}`;
  }
  throw new Mismatch(`the call succeeded; expected ${errorClass.name}`);
}

const checks = [
  ['messages.create', async () => {
    const message = await client.messages.create(hello);
    expect(message.type === 'message' && message.role === 'assistant', `type/role ${show([message.type, message.role])}`);
    expect(message.id.startsWith('msg_'), `id ${show(message.id)}`);
    expect(message.content.length === 1 && message.content[0].type === 'text', `content ${show(message.content)}`);
    expect(message.content[0].text === expectedText, `text ${show(message.content[0].text)}, expected ${show(expectedText)}`);
    expect(message.stop_reason === 'end_turn', `stop_reason ${show(message.stop_reason)}`);
    expect(message.usage.input_tokens === 12 && message.usage.output_tokens === 4, `usage ${show(message.usage)}`);
    return show(message.content[0].text);
  }],

  ['messages.create stream (raw events)', async () => {
    const stream = await client.messages.create({ ...hello, stream: true });
    const types = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        text += event.delta.text;
      }
    }
    const expected = ['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta',
      'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'];
    expect(show(types) === show(expected), `events ${show(types)}, expected ${show(expected)} (pings are not yielded)`);
    expect(text === expectedText, `streamed text ${show(text)}`);
    return `${types.length} events`;
  }],

  ['messages.stream + finalMessage', async () => {
    const stream = client.messages.stream(hello);
    let deltas = '';
    stream.on('text', (delta) => { deltas += delta; });
    const message = await stream.finalMessage();
    expect(message.content[0]?.text === expectedText, `final text ${show(message.content)}`);
    expect(deltas === expectedText, `text events ${show(deltas)}`);
    expect(message.stop_reason === 'end_turn', `stop_reason ${show(message.stop_reason)}`);
    expect(message.usage.output_tokens === 4, `usage ${show(message.usage)}`);
    return show(message.content[0].text);
  }],

  ['tool use', async () => {
    const message = await client.messages.create(weather);
    const use = toolUse(message, 'tool use');
    return `${use.id} ${use.name}(${show(use.input)})`;
  }],

  ['streamed tool use (finalMessage, inputJson events)', async () => {
    const stream = client.messages.stream(weather);
    let partial = '';
    stream.on('inputJson', (delta) => { partial += delta; });
    const message = await stream.finalMessage();
    const use = toolUse(message, 'streamed tool use');
    expectOslo(JSON.parse(partial), 'inputJson deltas');
    return `${use.id} ${use.name}(${show(use.input)})`;
  }],

  ['tool_result round trip', async () => {
    const first = await client.messages.create(weather);
    const use = toolUse(first, 'first turn');
    const second = await client.messages.create({
      ...weather,
      messages: [
        ...weather.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '12 degrees, rain' }] },
      ],
    });
    expect(second.content.length > 0, `second turn content ${show(second.content)}`);
    return `${use.id} answered, then ${second.stop_reason}`;
  }],

  ['messages.countTokens', async () => {
    const count = await client.messages.countTokens({ model, messages: hello.messages });
    expect(Number.isInteger(count.input_tokens) && count.input_tokens > 0, `count ${show(count)}`);
    return `${count.input_tokens} tokens`;
  }],

  ['wrong key -> AuthenticationError', async () => {
    const bad = new Anthropic({ baseURL, apiKey: 'sk-wrong-key', maxRetries: 0, timeout: 20_000 });
    return expectApiError(() => bad.messages.create(hello), Anthropic.AuthenticationError, 401, 'authentication_error');
  }],

  ['unknown model -> NotFoundError', async () =>
    expectApiError(() => client.messages.create({ ...hello, model: 'claude-nowhere' }), Anthropic.NotFoundError, 404, 'not_found_error')],

  ['missing max_tokens -> BadRequestError', async () =>
    expectApiError(() => client.messages.create({ model, messages: hello.messages }), Anthropic.BadRequestError, 400,
      'invalid_request_error')],
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
  sdkVersion = JSON.parse(readFileSync(new URL('./node_modules/@anthropic-ai/sdk/package.json', import.meta.url), 'utf8')).version;
} catch {
  // only for the summary line
}
console.log(`all ${checks.length} checks passed against ${baseURL} (@anthropic-ai/sdk ${sdkVersion})`);
