// Holds every HTTP answer the server tests receive to the OpenAPI document: an answer the document
// does not describe (an unlisted operation, status or header, another media type, a body that does not
// match) throws, so the document cannot drift from the server without a test failing.
import { Ajv as AjvDraft7 } from 'ajv';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { OpenAPIObject, OperationObject, ResponseObject, SchemaObject } from 'openapi3-ts/oas31';
import { openApiDocument } from '../http/apiDocument.ts';
import { asyncApiDocument } from '../http/asyncApiDocument.ts';

// ajv-formats is CommonJS with a default export; under Node's ESM interop it arrives wrapped.
const addFormats = ((addFormatsImport as unknown as { default?: typeof addFormatsImport }).default ?? addFormatsImport) as typeof addFormatsImport;

export interface Answer {
  method: string;
  /** the address answered, as the client saw it after normalising (response.url) */
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

export class UndocumentedAnswer extends Error {
  override name = 'UndocumentedAnswer';
}

const DOCUMENT_ID = 'https://amina.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete'] as const;

interface Route {
  template: string;
  pattern: RegExp;
  params: number;
}

interface Checker {
  document: OpenAPIObject;
  routes: Route[];
  validator(pointer: string): ValidateFunction;
}

let checker: Checker | undefined;

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The published document leaves objects open, as the contract lets Amina add fields and clients must
 * ignore them. Here every object the document describes is closed, so that a field the server sends
 * without the document naming it fails the suite.
 */
function closeObjects(schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  const s = schema as SchemaObject;
  // Parts of an allOf that carry fields cannot be closed one by one: each would refuse the others'.
  // (An allOf of one $ref, draft-07's way of adding words to a reference, is harmless.)
  if (s.allOf?.some((part) => 'properties' in part)) throw new Error('closeObjects cannot close the parts of an allOf');
  for (const sub of s.allOf ?? []) closeObjects(sub);
  if (s.properties && s.additionalProperties === undefined) s.additionalProperties = false;
  for (const sub of Object.values(s.properties ?? {})) closeObjects(sub);
  for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) closeObjects(sub);
  closeObjects(s.items);
  if (typeof s.additionalProperties === 'object') closeObjects(s.additionalProperties);
}

function build(): Checker {
  const document = structuredClone(openApiDocument('0.0.0-test'));
  for (const schema of Object.values(document.components?.schemas ?? {})) closeObjects(schema);
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of METHODS) {
      for (const response of Object.values(item[method]?.responses ?? {}) as ResponseObject[]) {
        for (const media of Object.values(response.content ?? {})) closeObjects(media.schema);
      }
    }
  }
  // OpenAPI 3.1 schemas are JSON Schema 2020-12. Strict mode stays on for the schemas themselves;
  // only the document's own (non-schema) keywords at its root are declared, so ajv can hold it whole.
  // Union types (`"type": ["number", "null"]`) are how 3.1 says nullable.
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  // (None of an OpenAPI document's root fields is a JSON Schema keyword.)
  ajv.addVocabulary(Object.keys(document));
  ajv.addSchema(document as object, DOCUMENT_ID);
  const compiled = new Map<string, ValidateFunction>();
  const routes = Object.keys(document.paths ?? {})
    .map((template) => {
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('');
      // As Express routes: case-insensitive, a trailing slash allowed.
      return { template, pattern: new RegExp(`^${source}/?$`, 'i'), params: (template.match(/\{/g) ?? []).length };
    })
    // A literal address wins over a template that would also match it.
    .sort((a, b) => a.params - b.params);
  return {
    document,
    routes,
    validator(pointer) {
      let validate = compiled.get(pointer);
      if (!validate) {
        validate = ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
        compiled.set(pointer, validate);
      }
      return validate;
    },
  };
}

function mediaType(headers: Headers): string | undefined {
  return headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** Throws UndocumentedAnswer unless the OpenAPI document describes this answer exactly. */
export function checkAnswer(answer: Answer): void {
  const url = new URL(answer.url);
  // Screens, static files and Socket.IO are not the HTTP API; HEAD and OPTIONS are Express's own.
  if (!/^\/api(\/|$)/i.test(url.pathname) || !METHODS.includes(answer.method.toLowerCase() as never)) return;
  checker ??= build();
  const method = answer.method.toLowerCase() as (typeof METHODS)[number];
  const what = `${answer.method.toUpperCase()} ${url.pathname}${url.search} → ${answer.status}`;
  const route = checker.routes.find((r) => r.pattern.test(url.pathname) && checker!.document.paths![r.template]![method]);
  const fail = (why: string): never => {
    throw new UndocumentedAnswer(`${what}: ${why}\nbody: ${answer.text.slice(0, 500)}`);
  };

  let responsePointer: string;
  let response: ResponseObject | undefined;
  if (route) {
    const operation = checker.document.paths![route.template]![method] as OperationObject;
    response = operation.responses?.[String(answer.status)] as ResponseObject | undefined;
    if (!response) {
      fail(`the document lists no ${answer.status} for ${operation.operationId} (it lists ${Object.keys(operation.responses ?? {}).join(', ')})`);
    }
    responsePointer = `/paths/${escapePointer(route.template)}/${method}/responses/${answer.status}`;
  } else {
    // An address the document does not list: the server must refuse it as the document says any
    // other address is refused. A new endpoint that answers 2xx lands here until it is documented.
    const other = (checker.document as { 'x-amina-other-addresses'?: { responses?: Record<string, typeof response> } })['x-amina-other-addresses'];
    response = other?.responses?.[String(answer.status)];
    if (!response) fail(`no operation in the document matches ${answer.method.toUpperCase()} ${url.pathname}: add it to server/http/apiDocument.ts`);
    responsePointer = `/x-amina-other-addresses/responses/${answer.status}`;
  }

  for (const [name, header] of Object.entries(response!.headers ?? {})) {
    if ('required' in header && header.required && !answer.headers.has(name)) fail(`the header ${name} is required but missing`);
  }
  const content = response!.content;
  if (!content) {
    if (answer.text !== '') fail('the document describes no body, but one came');
    return;
  }
  const type = mediaType(answer.headers);
  if (!type || !Object.hasOwn(content, type)) fail(`Content-Type ${type ?? '(none)'} is not one of ${Object.keys(content).join(', ')}`);
  if (type !== 'application/json') return;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    fail('the body is not JSON');
  }
  const validate = checker.validator(`${responsePointer}/content/${escapePointer(type!)}/schema`);
  if (!validate(body)) {
    const problems = (validate.errors ?? [])
      .slice(0, 8)
      .map((e) => `  ${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${e.params.additionalProperty}"` : ''}`)
      .join('\n');
    fail(`the body does not match the document's schema:\n${problems}`);
  }
}

// ---- Live events ----------------------------------------------------------------------------------

const ASYNC_DOCUMENT_ID = 'https://amina.invalid/asyncapi.json';
let eventValidators: Map<string, ValidateFunction> | undefined;

/** Validators of the payloads the server sends, by Socket.IO event name, from the AsyncAPI document. */
function buildEventValidators(): Map<string, ValidateFunction> {
  const document = structuredClone(asyncApiDocument('0.0.0-test'));
  for (const schema of Object.values(document.components.schemas)) closeObjects(schema);
  // AsyncAPI's schema format is JSON Schema draft-07, ajv's default dialect.
  const ajv = new AjvDraft7({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addVocabulary(Object.keys(document));
  ajv.addSchema(document, ASYNC_DOCUMENT_ID);
  const validators = new Map<string, ValidateFunction>();
  for (const [key, message] of Object.entries(document.components.messages)) {
    if ('payload' in message) validators.set(message.name, ajv.compile({ $ref: `${ASYNC_DOCUMENT_ID}#/components/messages/${key}/payload` }));
  }
  return validators;
}

/** Throws UndocumentedAnswer unless the AsyncAPI document describes this event and its payload. */
export function checkEvent(event: string, payload: unknown): void {
  eventValidators ??= buildEventValidators();
  const validate = eventValidators.get(event);
  if (!validate) throw new UndocumentedAnswer(`the server sent "${event}", an event the AsyncAPI document does not describe`);
  if (!validate(payload)) {
    const problems = (validate.errors ?? [])
      .slice(0, 8)
      .map((e) => `  ${e.instancePath || '(payload)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` "${e.params.additionalProperty}"` : ''}`)
      .join('\n');
    throw new UndocumentedAnswer(`the "${event}" payload does not match the AsyncAPI document:\n${problems}`);
  }
}
