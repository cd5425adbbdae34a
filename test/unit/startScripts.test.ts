import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const script = (name: string) => readFileSync(path.join(__dirname, '..', '..', 'scripts', name), 'utf8');
/** The scripts a command runs, following `source` and `bash scripts/…` one level down. */
const runs = (name: string) => [...script(name).matchAll(/(?:source "\$\(dirname "\$0"\)\/|bash scripts\/)([\w.-]+\.sh)/g)].map((m) => m[1]);

describe('what npm start and npm test install', () => {
  it('installs for npm start only what running needs: no browser', () => {
    const started = ['start.sh', ...runs('start.sh'), ...runs('setup.sh')];
    expect(started).toContain('setup.sh');
    expect(started).not.toContain('ensure-chromium.sh');
  });

  it('installs Chromium for the tests, which drive the console in it', () => {
    expect(runs('test.sh')).toContain('ensure-chromium.sh');
  });

  it('runs the system in development mode under npm start', () => {
    expect(script('start.sh')).toMatch(/export NODE_ENV="\$\{NODE_ENV:-development\}"/);
  });
});
