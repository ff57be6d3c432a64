// The bench measures the storm through the nginx that docs/scaling.md documents: its configuration's
// proxying lines must be the documented ones, or the bench measures something nobody deploys.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nginxConfig } from './proxy.ts';

const documented = /```nginx\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(import.meta.dirname, '..', 'docs', 'scaling.md'), 'utf8'))![1]!;
const lines = (text: string) => new Set(text.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean));

describe("the bench's nginx", () => {
  it('proxies as docs/scaling.md says, keeping its connections to Amina open', () => {
    const bench = nginxConfig('/tmp/x', 8081, 8080);
    const location = /location \/ \{([\s\S]*?)\}/.exec(bench)![1]!;
    const map = /map \$http_upgrade \$connection_upgrade \{([\s\S]*?)\}/.exec(bench)![1]!;
    const docs = lines(documented);
    for (const line of [...lines(location), ...lines(map), 'keepalive 64;', 'client_max_body_size 2m;']) {
      expect(docs.has(line), `docs/scaling.md lacks "${line}"`).toBe(true);
    }
  });
});
