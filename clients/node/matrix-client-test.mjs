// Runs one official npm client against every provider kind behind a running Gantry:
//
//   node matrix-client-test.mjs openai|anthropic|ollama
//
//   GANTRY_URL     e.g. http://127.0.0.1:8080 (required; Gantry's root, no /v1)
//   GANTRY_KEY     a Gantry key (required)
//   GANTRY_MATRIX  JSON array, one entry per provider model (required):
//                  {"provider","model","greeting","promptTokens","cacheReadTokens","outputTokens","toolTokens","embeddings"}
//                  greeting = the upstream's answer to "Say hello"; promptTokens = all prompt tokens the upstream
//                  reports (cacheReadTokens of them from its cache); outputTokens/toolTokens = output of a plain
//                  answer / of a tool call; embeddings = whether the upstream API can embed.
//
// Expects upstreams that behave like the test fakes: a chat with tools is answered by one call to the first
// tool with arguments {"city":"Oslo"}. Prints one line per check and a "tally" line per provider; exits 1 if
// any check failed, 2 on bad usage.

import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';

function usage(message) {
  console.error(`usage: ${message} (see the header of matrix-client-test.mjs)`);
  process.exit(2);
}

const clientName = process.argv[2];
if (!['openai', 'anthropic', 'ollama'].includes(clientName)) {
  usage('pass openai, anthropic or ollama as the first argument');
}
const url = (process.env.GANTRY_URL ?? usage('set GANTRY_URL')).replace(/\/+$/, '');
const key = process.env.GANTRY_KEY ?? usage('set GANTRY_KEY');
let matrix;
try {
  matrix = JSON.parse(process.env.GANTRY_MATRIX ?? usage('set GANTRY_MATRIX'));
} catch (e) {
  usage(`GANTRY_MATRIX is not JSON: ${e.message}`);
}

class Mismatch extends Error {}

function expect(condition, message) {
  if (!condition) {
    throw new Mismatch(message);
  }
}

const show = (value) => JSON.stringify(value);
const hello = [{ role: 'user', content: 'Say hello' }];
const weather = [{ role: 'user', content: 'What is the weather in Oslo?' }];
const citySchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const functionTool = { type: 'function', function: { name: 'get_weather', description: 'Current weather in a city', parameters: citySchema } };
const anthropicTool = { name: 'get_weather', description: 'Current weather in a city', input_schema: citySchema };

function expectOslo(args, where) {
  const parsed = typeof args === 'string' ? JSON.parse(args) : args;
  expect(show(parsed) === show({ city: 'Oslo' }), `${where}: arguments ${show(args)}, expected {"city":"Oslo"}`);
}

// ---------------------------------------------------------------- openai

function openaiChecks(p) {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0, timeout: 20_000 });
  const expectUsage = (u, output, where) => expect(u?.prompt_tokens === p.promptTokens && u?.completion_tokens === output,
    `${where}: usage ${show(u)}, expected prompt ${p.promptTokens}, completion ${output}`);
  return [
    ['chat', async () => {
      const c = await client.chat.completions.create({ model: p.model, messages: hello });
      const choice = c.choices[0];
      expect(choice.message.content === p.greeting, `content ${show(choice.message.content)}, expected ${show(p.greeting)}`);
      expect(choice.finish_reason === 'stop', `finish_reason ${show(choice.finish_reason)}`);
      expectUsage(c.usage, p.outputTokens, 'chat');
      return show(choice.message.content);
    }],
    ['chat stream', async () => {
      const stream = await client.chat.completions.create({
        model: p.model, messages: hello, stream: true, stream_options: { include_usage: true },
      });
      let text = '';
      let finish = null;
      let last = null;
      for await (const chunk of stream) {
        for (const choice of chunk.choices) {
          text += choice.delta?.content ?? '';
          finish = choice.finish_reason ?? finish;
        }
        last = chunk;
      }
      expect(text === p.greeting, `streamed ${show(text)}, expected ${show(p.greeting)}`);
      expect(finish === 'stop', `finish_reason ${show(finish)}`);
      expectUsage(last?.usage, p.outputTokens, 'last chunk');
      return show(text);
    }],
    ['tool call', async () => {
      const c = await client.chat.completions.create({ model: p.model, messages: weather, tools: [functionTool] });
      const choice = c.choices[0];
      const calls = choice.message.tool_calls ?? [];
      expect(calls.length === 1 && calls[0].function.name === 'get_weather', `tool calls ${show(calls)}`);
      expect(typeof calls[0].id === 'string' && calls[0].id.length > 0, `tool call id ${show(calls[0].id)}`);
      expectOslo(calls[0].function.arguments, 'tool call');
      expect(choice.finish_reason === 'tool_calls', `finish_reason ${show(choice.finish_reason)}`);
      expectUsage(c.usage, p.toolTokens, 'tool call');
      return `${calls[0].function.name}(${calls[0].function.arguments})`;
    }],
    ['tool call stream', async () => {
      const runner = client.chat.completions.stream({ model: p.model, messages: weather, tools: [functionTool] });
      const final = await runner.finalChatCompletion();
      const calls = final.choices[0].message.tool_calls ?? [];
      expect(calls.length === 1 && calls[0].function.name === 'get_weather', `tool calls ${show(calls)}`);
      expectOslo(calls[0].function.arguments, 'streamed tool call');
      expect(final.choices[0].finish_reason === 'tool_calls', `finish_reason ${show(final.choices[0].finish_reason)}`);
      return `${calls[0].function.name}(${calls[0].function.arguments})`;
    }],
  ];
}

// ---------------------------------------------------------------- anthropic

function anthropicChecks(p) {
  const client = new Anthropic({ baseURL: url, apiKey: key, maxRetries: 0, timeout: 20_000 });
  const input = p.promptTokens - p.cacheReadTokens;
  const expectUsage = (u, output, where) => expect(u?.input_tokens === input && u?.output_tokens === output,
    `${where}: usage ${show(u)}, expected input ${input}, output ${output}`);
  const toolUse = (m, where) => {
    const uses = m.content.filter((b) => b.type === 'tool_use');
    expect(uses.length === 1 && uses[0].name === 'get_weather', `${where}: content ${show(m.content)}`);
    expect(/^[a-zA-Z0-9_-]+$/.test(uses[0].id), `${where}: tool_use id ${show(uses[0].id)}`);
    expectOslo(uses[0].input, where);
    expect(m.stop_reason === 'tool_use', `${where}: stop_reason ${show(m.stop_reason)}`);
    return `${uses[0].name}(${show(uses[0].input)})`;
  };
  return [
    ['messages.create', async () => {
      const m = await client.messages.create({ model: p.model, max_tokens: 256, messages: hello });
      expect(m.content.length === 1 && m.content[0].text === p.greeting, `content ${show(m.content)}, expected ${show(p.greeting)}`);
      expect(m.stop_reason === 'end_turn', `stop_reason ${show(m.stop_reason)}`);
      expectUsage(m.usage, p.outputTokens, 'create');
      return show(m.content[0].text);
    }],
    ['messages.stream', async () => {
      const stream = client.messages.stream({ model: p.model, max_tokens: 256, messages: hello });
      let deltas = '';
      stream.on('text', (d) => { deltas += d; });
      const m = await stream.finalMessage();
      expect(deltas === p.greeting && m.content[0]?.text === p.greeting, `text events ${show(deltas)}, final ${show(m.content)}`);
      expect(m.stop_reason === 'end_turn', `stop_reason ${show(m.stop_reason)}`);
      expectUsage(m.usage, p.outputTokens, 'finalMessage');
      return show(deltas);
    }],
    ['tool use', async () => {
      const m = await client.messages.create({ model: p.model, max_tokens: 256, messages: weather, tools: [anthropicTool] });
      const detail = toolUse(m, 'tool use');
      expectUsage(m.usage, p.toolTokens, 'tool use');
      return detail;
    }],
    ['tool use stream', async () => {
      const stream = client.messages.stream({ model: p.model, max_tokens: 256, messages: weather, tools: [anthropicTool] });
      let partial = '';
      stream.on('inputJson', (d) => { partial += d; });
      const m = await stream.finalMessage();
      expectOslo(partial, 'inputJson deltas');
      return toolUse(m, 'streamed tool use');
    }],
  ];
}

// ---------------------------------------------------------------- ollama

function ollamaChecks(p) {
  const ollama = new Ollama({ host: url, headers: { Authorization: `Bearer ${key}` } });
  const expectFinal = (part, output, where) => {
    expect(part?.done === true && part.done_reason === 'stop', `${where}: done ${show(part?.done)}, done_reason ${show(part?.done_reason)}`);
    expect(part.prompt_eval_count === p.promptTokens && part.eval_count === output,
      `${where}: counts ${part.prompt_eval_count}/${part.eval_count}, expected ${p.promptTokens}/${output}`);
  };
  return [
    ['chat', async () => {
      const r = await ollama.chat({ model: p.model, messages: hello });
      expect(r.message?.content === p.greeting, `content ${show(r.message?.content)}, expected ${show(p.greeting)}`);
      expectFinal(r, p.outputTokens, 'chat');
      return show(r.message.content);
    }],
    ['chat stream', async () => {
      let text = '';
      let last = null;
      for await (const part of await ollama.chat({ model: p.model, messages: hello, stream: true })) {
        text += part.message?.content ?? '';
        last = part;
      }
      expect(text === p.greeting, `streamed ${show(text)}, expected ${show(p.greeting)}`);
      expectFinal(last, p.outputTokens, 'last part');
      return show(text);
    }],
    ['tool call', async () => {
      const r = await ollama.chat({ model: p.model, messages: weather, tools: [functionTool] });
      const calls = r.message?.tool_calls ?? [];
      expect(calls.length === 1 && calls[0].function.name === 'get_weather', `tool calls ${show(calls)}`);
      expect(typeof calls[0].function.arguments === 'object', `arguments are not an object: ${show(calls[0].function.arguments)}`);
      expectOslo(calls[0].function.arguments, 'tool call');
      expectFinal(r, p.toolTokens, 'tool call');
      return `${calls[0].function.name}(${show(calls[0].function.arguments)})`;
    }],
    ['generate', async () => {
      const r = await ollama.generate({ model: p.model, prompt: 'Say hello', system: 'Be brief.' });
      expect(r.response === p.greeting, `response ${show(r.response)}, expected ${show(p.greeting)}`);
      expectFinal(r, p.outputTokens, 'generate');
      return show(r.response);
    }],
    ['list', async () => {
      const names = (await ollama.list()).models.map((m) => m.name);
      expect(names.includes(`${p.model}:latest`), `models ${show(names)} lack ${p.model}:latest`);
      return `${p.model}:latest listed`;
    }],
    ['embed', async () => {
      const request = { model: p.model, input: ['first text', 'second text'] };
      if (!p.embeddings) {
        try {
          await ollama.embed(request);
        } catch (e) {
          expect(e?.name === 'ResponseError' && e.status_code === 400, `expected ResponseError 400, got ${e?.name} ${e?.status_code}: ${e?.message}`);
          return `refused: 400 ${e.error}`;
        }
        throw new Mismatch(`${p.provider} has no embeddings API, but embed succeeded`);
      }
      const r = await ollama.embed(request);
      expect(Array.isArray(r.embeddings) && r.embeddings.length === 2, `embeddings ${show(r.embeddings)}`);
      for (const v of r.embeddings) {
        const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
        expect(v.length > 0 && Math.abs(norm - 1) < 1e-3, `vector of norm ${norm}: ${show(v)}`);
      }
      return `2 x ${r.embeddings[0].length} dims`;
    }],
  ];
}

// ---------------------------------------------------------------- run

const checksFor = { openai: openaiChecks, anthropic: anthropicChecks, ollama: ollamaChecks }[clientName];

function describe(e) {
  const status = e?.status ?? e?.status_code;
  const cause = e?.cause?.message ? `; cause: ${e.cause.message}` : '';
  return `${e?.constructor?.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}: ${String(e?.message ?? e).replace(/\s+/g, ' ')}${cause}`;
}

let failed = 0;
let total = 0;
for (const p of matrix) {
  let passed = 0;
  const checks = checksFor(p);
  for (const [name, check] of checks) {
    total++;
    try {
      console.log(`ok   ${clientName} x ${p.provider} ${name}: ${await check()}`);
      passed++;
    } catch (e) {
      failed++;
      console.log(`FAIL ${clientName} x ${p.provider} ${name}: ${e instanceof Mismatch ? e.message : describe(e)}`);
    }
  }
  console.log(`tally ${clientName} ${p.provider} ${passed}/${checks.length}`);
}
if (failed > 0) {
  console.error(`${failed} of ${total} checks failed against ${url}`);
  process.exit(1);
}
const packageName = { openai: 'openai', anthropic: '@anthropic-ai/sdk', ollama: 'ollama' }[clientName];
let version = '?';
try {
  version = JSON.parse(readFileSync(new URL(`./node_modules/${packageName}/package.json`, import.meta.url), 'utf8')).version;
} catch {
  // only for the summary line
}
console.log(`all ${total} checks passed against ${url} (${packageName} ${version}, ${matrix.length} providers)`);
