// The AsyncAPI document as one readable HTML page, rendered on the server: no script, nothing from a
// CDN, and every payload schema spelt out field by field, with links between the named schemas.
import type { AsyncApiDocument } from './asyncApiDocument.ts';

/** A JSON Schema (draft-07) as z.toJSONSchema writes them: only the keywords rendered below. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Escaped text, with `code` spans as the documents write them. */
const prose = (text: string | undefined) => (text ? escape(text).replace(/`([^`]+)`/g, '<code>$1</code>') : '');

const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
const anchor = (name: string) => `schema-${name}`;
const literal = (value: unknown) => `<code>${escape(JSON.stringify(value))}</code>`;

function constraints(s: Schema): string[] {
  const out: string[] = [];
  if (s.format) out.push(`format ${escape(s.format)}`);
  if (s.pattern) out.push(`pattern <code>${escape(s.pattern)}</code>`);
  if (s.minimum !== undefined && s.maximum !== undefined) out.push(`${s.minimum} to ${s.maximum}`);
  else if (s.minimum !== undefined) out.push(`at least ${s.minimum}`);
  else if (s.maximum !== undefined) out.push(`at most ${s.maximum}`);
  if (s.minLength !== undefined) out.push(`at least ${s.minLength} characters`);
  if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.minItems !== undefined && s.minItems === s.maxItems) out.push(`exactly ${s.minItems} items`);
  else {
    if (s.minItems !== undefined) out.push(`at least ${s.minItems} items`);
    if (s.maxItems !== undefined) out.push(`at most ${s.maxItems} items`);
  }
  if (s.default !== undefined) out.push(`default ${literal(s.default)}`);
  return out;
}

/** What a value is, in a few words: a type, a link to a named schema, or a nested table. */
function typeOf(s: Schema): string {
  if (s.$ref) return `<a href="#${anchor(refName(s.$ref))}">${escape(refName(s.$ref))}</a>`;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const nonNull = alternatives.filter((a) => a.type !== 'null');
    const nullable = nonNull.length < alternatives.length ? ' or null' : '';
    return nonNull.map(typeOf).join(' or ') + nullable;
  }
  if (s.const !== undefined) return literal(s.const);
  if (s.enum) return `one of ${s.enum.map(literal).join(', ')}`;
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const nullable = types.includes('null') ? ' or null' : '';
  const type = types.find((t) => t !== 'null');
  const extra = constraints(s);
  const suffix = extra.length ? ` <span class="constraints">(${extra.join('; ')})</span>` : '';
  if (type === 'array') return `array of ${s.items ? typeOf(s.items) : 'anything'}${suffix}${nullable}`;
  if (type === 'object' || s.properties) {
    if (s.properties) return `${objectTable(s)}${nullable}`;
    if (typeof s.additionalProperties === 'object') {
      const key = s.propertyNames ? typeOf(s.propertyNames) : 'string';
      return `map of ${key} → ${typeOf(s.additionalProperties)}${suffix}${nullable}`;
    }
    return `object${suffix}${nullable}`;
  }
  return `${type ? escape(type) : 'anything'}${suffix}${nullable}`;
}

function objectTable(s: Schema): string {
  const required = new Set(s.required ?? []);
  const rows = Object.entries(s.properties ?? {}).map(
    ([name, property]) =>
      `<tr><td><code>${escape(name)}</code>${required.has(name) ? '' : ' <span class="optional">optional</span>'}</td>` +
      `<td>${typeOf(property)}${property.description ? `<div class="description">${prose(property.description)}</div>` : ''}</td></tr>`,
  );
  const closed = s.additionalProperties === false ? '<p class="closed">No other fields.</p>' : '';
  return `<table class="schema"><thead><tr><th>field</th><th>value</th></tr></thead><tbody>${rows.join('')}</tbody></table>${closed}`;
}

const section = (id: string, title: string, body: string) => `<section id="${id}"><h2>${escape(title)}</h2>${body}</section>`;

/** The AsyncAPI document as a standalone HTML page (its styles in /api/docs/assets/docs.css). */
export function asyncApiHtml(doc: AsyncApiDocument): string {
  const channel = doc.channels.picture;
  const server = doc.servers.amina;
  const messageName = (ref: { $ref: string }) => {
    const key = refName(ref.$ref) as keyof typeof doc.components.messages;
    return `<a href="#message-${escape(key)}"><code>${escape(doc.components.messages[key].name)}</code></a>`;
  };
  const operations = Object.entries(doc.operations).map(([id, op]) => {
    const direction = op.action === 'send' ? 'server → client' : 'client → server';
    const reply = 'reply' in op ? `<p>Answered with ${op.reply.messages.map(messageName).join(' or ')}.</p>` : '';
    return (
      `<article id="operation-${escape(id)}"><h3>${escape(op.title)} <span class="direction">${direction}</span></h3>` +
      `<p>${prose(op.summary)}</p>${'description' in op ? `<p>${prose(op.description)}</p>` : ''}` +
      `<p>Message: ${op.messages.map(messageName).join(', ')}</p>${reply}</article>`
    );
  });
  const messages = Object.entries(doc.components.messages).map(([id, message]) => {
    const payload = 'payload' in message ? `<p>Payload: ${typeOf(message.payload)}</p>` : '<p>No payload.</p>';
    return `<article id="message-${escape(id)}"><h3><code>${escape(message.name)}</code> · ${escape(message.title)}</h3><p>${prose(message.summary)}</p>${payload}</article>`;
  });
  const schemas = Object.entries(doc.components.schemas).map(
    ([name, schema]) =>
      `<article id="${anchor(name)}"><h3>${escape(name)}</h3>${(schema as Schema).description ? `<p>${prose((schema as Schema).description)}</p>` : ''}${typeOf(schema as Schema)}</article>`,
  );
  const token = doc.components.securitySchemes.token;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(doc.info.title)} ${escape(doc.info.version)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/api/docs/assets/docs.css">
</head>
<body class="events">
<header class="amina-docs"><strong>Amina ${escape(doc.info.version)}</strong>
<nav><a href="/api/docs">HTTP API</a> · <a href="/api/docs/events" aria-current="page">Live events</a> · <a href="/api/openapi.json">openapi.json</a> · <a href="/api/asyncapi.json">asyncapi.json</a></nav></header>
<main>
<h1>${escape(doc.info.title)} <span class="version">AsyncAPI ${escape(doc.asyncapi)}</span></h1>
<p>${prose(doc.info.description)}</p>
${section(
  'server',
  'Connecting',
  `<p><code>${escape(server.protocol)}://${escape(server.variables.host.default)}${escape(server.pathname)}</code> (host: ${prose(server.variables.host.description)})</p>` +
    `<p>${prose(server.description)}</p><p>Authentication: ${prose(token.description)}</p>` +
    `<p>Channel <code>${escape(channel.address)}</code>: ${prose(channel.description)}</p>`,
)}
${section('operations', 'Events', operations.join(''))}
${section('messages', 'Messages', messages.join(''))}
${section('schemas', 'Schemas', schemas.join(''))}
</main>
</body>
</html>
`;
}
