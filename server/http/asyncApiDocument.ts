// The live events as an AsyncAPI 3 document. Payload schemas come from the shared zod schemas through
// zod's own z.toJSONSchema (draft-07, which AsyncAPI's schema format extends), so the socket and the
// HTTP answers are described by the same schemas.
import { z } from 'zod';
import type { ServerToClientEvents } from '../../shared/events.ts';
import {
  Alert,
  CapacityForecast,
  GovernorateRollup,
  HealthPostCounts,
  Rollup,
  SiteState,
  Snapshot,
  SocketAuth,
  Thresholds,
  Update,
} from '../../shared/schemas.ts';
import { EVENT_BUDGET, RESYNC_INTERVAL_MS } from '../realtime.ts';

/** How the server refuses a handshake: Socket.IO hands it to the client's `connect_error` as `err.message` and `err.data`. */
export const ConnectRefusal = z.object({
  message: z
    .string()
    .regex(/^(unauthorized|forbidden|rate_limited|unavailable): /)
    .describe('Starts with the reason and a colon; the rest is for people.'),
  data: z
    .object({
      code: z.enum(['rate_limited', 'unavailable']),
      retryAfterSeconds: z.number().int().min(1).optional(),
    })
    .optional()
    .describe('Present for rate_limited (with retryAfterSeconds) and unavailable.'),
});

/** Sent just before the server closes a connection that spent its event budget, saying why. */
export const SocketRefusal = z.object({ code: z.literal('too_many_events'), message: z.string() });
// The schema describes the typed event map's `refused`; this line fails to compile if they part.
const _socketRefusalMatches: Parameters<ServerToClientEvents['refused']>[0] = {} as z.infer<typeof SocketRefusal>;

/** Events one socket may send per window, before it is refused and closed. */
const EVENT_BUDGET_TEXT = `at most ${EVENT_BUDGET.events} events in ${EVENT_BUDGET.perMs / 1000} seconds`;

/** The schemas the events carry, by component name; the same names as in the OpenAPI document. */
export const EVENT_SCHEMAS: Record<string, z.ZodType> = {
  Snapshot,
  Update,
  HealthPostCounts,
  Rollup,
  CapacityForecast,
  GovernorateRollup,
  SiteState,
  Alert,
  Thresholds,
  SocketAuth,
  ConnectRefusal,
  SocketRefusal,
};

const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** The components as JSON Schema draft-07, each referring to the others by $ref. */
function payloadSchemas(): Record<string, object> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(EVENT_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-7',
    // What the server sends: defaults filled in, transforms applied.
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def as { type: string; catchall?: unknown };
      // In output mode zod closes every object; a plain z.object is open (Amina may add fields, as in
      // the OpenAPI document), only a z.strictObject is closed.
      if (def.type === 'object' && def.catchall === undefined) delete jsonSchema.additionalProperties;
      // "A JavaScript safe integer" is every integer JSON carries here; saying so on each count is noise.
      if (jsonSchema.minimum === -SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
  // Each comes as a document of its own; as a component it needs neither dialect nor id.
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
}

const ref = (path: string) => ({ $ref: `#/${path}` });

/** The AsyncAPI 3 document of the live events, for the given release of Amina. */
export function asyncApiDocument(version: string) {
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Amina live events',
      version,
      description:
        "The live picture over Socket.IO 4, as Amina's server sends and receives it: a `snapshot` on connect, an `update` after each " +
        'stored batch, `resync` from the client after a gap. The HTTP API is /api/openapi.json; for people, docs/api.md in the repository.',
    },
    defaultContentType: 'application/json',
    servers: {
      amina: {
        host: '{host}',
        protocol: 'ws',
        pathname: '/socket.io/',
        title: 'Amina',
        description:
          "Socket.IO 4 (Engine.IO 4) on the server's own address and port, default namespace `/`. Dashboards use the WebSocket " +
          'transport (`transports: ["websocket"]`); behind HTTPS it is wss:.',
        variables: { host: { default: 'localhost:8080', description: 'The host and port of the Amina server (PUBLIC_URL).' } },
        security: [ref('components/securitySchemes/token')],
      },
    },
    channels: {
      picture: {
        address: '/',
        title: 'The live picture',
        description:
          "One connection watches one world: the real picture, or with `auth: { token, exercise: true }` a drill's exercise world. " +
          'Only tokens whose role may read everything (viewer and above) may connect; a reporter is refused.',
        messages: {
          handshake: ref('components/messages/handshake'),
          connectRefusal: ref('components/messages/connectRefusal'),
          snapshot: ref('components/messages/snapshot'),
          update: ref('components/messages/update'),
          resync: ref('components/messages/resync'),
          refused: ref('components/messages/refused'),
        },
        bindings: {
          ws: {
            method: 'GET',
            query: {
              type: 'object',
              properties: { EIO: { const: '4' }, transport: { const: 'websocket' } },
              required: ['EIO', 'transport'],
            },
            bindingVersion: '0.1.0',
          },
        },
      },
    },
    operations: {
      receiveHandshake: {
        action: 'receive',
        channel: ref('channels/picture'),
        title: 'Connect',
        summary: "The client connects with auth: { token, exercise? } in Socket.IO's CONNECT packet.",
        description:
          'Accepted, the server sends a `snapshot` at once. Refused, the client gets `connect_error` with a message that starts with ' +
          '`unauthorized:` (no or unknown token), `forbidden:` (a reporter token), `rate_limited:` (too many unknown tokens from this ' +
          'address; `data.retryAfterSeconds`) or `unavailable:` (the server cannot check tokens; try again shortly).',
        messages: [ref('channels/picture/messages/handshake')],
        reply: { channel: ref('channels/picture'), messages: [ref('channels/picture/messages/snapshot'), ref('channels/picture/messages/connectRefusal')] },
      },
      sendSnapshot: {
        action: 'send',
        channel: ref('channels/picture'),
        title: 'Snapshot',
        summary: "The whole picture of the connection's world: on connect, and in answer to `resync`.",
        messages: [ref('channels/picture/messages/snapshot')],
      },
      sendUpdate: {
        action: 'send',
        channel: ref('channels/picture'),
        title: 'Update',
        summary: 'What changed, after each stored batch of reports, threshold change, acknowledgement or tick that changed the picture.',
        description:
          '`seq` rises by exactly one with every update of a world on one server instance (it is per instance). A client that sees a ' +
          'gap in `seq`, or reconnects, emits `resync` and takes the `snapshot` it receives as the new base.',
        messages: [ref('channels/picture/messages/update')],
      },
      receiveResync: {
        action: 'receive',
        channel: ref('channels/picture'),
        title: 'Resync',
        summary: 'The client asks for a fresh snapshot, after a gap in `seq` or a reconnect.',
        description:
          `A socket gets at most one snapshot every ${RESYNC_INTERVAL_MS / 1000} s: asks within that time are merged into one answer at its end, so an ask is ` +
          `never left unanswered. Every event a client sends counts against its budget (${EVENT_BUDGET_TEXT}).`,
        messages: [ref('channels/picture/messages/resync')],
        reply: { channel: ref('channels/picture'), messages: [ref('channels/picture/messages/snapshot')] },
      },
      sendRefused: {
        action: 'send',
        channel: ref('channels/picture'),
        title: 'Refused',
        summary: `A client that sent more than its budget of events (${EVENT_BUDGET_TEXT}) is told why, then disconnected.`,
        description: 'Reconnect, and ask for a snapshot only after a gap in `seq`.',
        messages: [ref('channels/picture/messages/refused')],
      },
    },
    components: {
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          description: "The same token as the HTTP API's bearer token, sent as `auth.token` in the Socket.IO handshake rather than in a header.",
        },
      },
      messages: {
        handshake: {
          name: 'handshake',
          title: 'Handshake auth',
          summary: "Socket.IO's `auth` option: io(url, { auth: { token, exercise? } }).",
          payload: ref('components/schemas/SocketAuth'),
        },
        connectRefusal: {
          name: 'connect_error',
          title: 'Handshake refused',
          summary: 'A refused handshake, as the client\'s `connect_error` event sees it (`err.message`, `err.data`).',
          payload: ref('components/schemas/ConnectRefusal'),
        },
        snapshot: {
          name: 'snapshot',
          title: 'Snapshot',
          summary: 'Socket.IO event `snapshot` with one argument.',
          payload: ref('components/schemas/Snapshot'),
        },
        update: {
          name: 'update',
          title: 'Update',
          summary: 'Socket.IO event `update` with one argument: changed rollups and sites, the national rollup, raised or changed alerts, and `thresholds` when they changed.',
          payload: ref('components/schemas/Update'),
        },
        resync: {
          name: 'resync',
          title: 'Resync',
          summary: 'Socket.IO event `resync`, with no argument.',
        },
        refused: {
          name: 'refused',
          title: 'Refused',
          summary: 'Socket.IO event `refused` with one argument, just before the server closes the connection.',
          payload: ref('components/schemas/SocketRefusal'),
        },
      },
      schemas: payloadSchemas(),
    },
  };
}

export type AsyncApiDocument = ReturnType<typeof asyncApiDocument>;
