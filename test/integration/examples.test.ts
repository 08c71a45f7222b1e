// The examples in scripts-examples/ run and pass against the built-in targets (shortened by CLI flags
// where the full example would take long).
import { describe, expect, it } from 'vitest';
import { ROOT, wsk } from './harness.js';

describe('scripts-examples', () => {
  it.each([
    ['quickstart.ts', ['--serve', 'chat']],
    ['chat-request-reply.ts', ['--serve', 'chat', '--vus', '4', '--duration', '2s']],
    ['voice-agent.ts', ['--serve', 'voice', '--vus', '3', '--duration', '3s']],
    ['k6-compatible-ws.js', ['--serve', 'echo', '--vus', '2', '--duration', '2s']],
    ['login-then-chat.ts', ['--serve', 'chat', '--vus', '3', '--duration', '3s']],
    ['scenarios.ts', []],
    ['k6-style.js', ['--duration', '1s']],
    ['team/chat.ts', ['--profile', 'smoke', '--serve', 'chat', '--duration', '3s']],
  ])('%s passes its thresholds', async (script, flags) => {
    const { code, stdout, stderr } = await wsk(['run', '--quiet', `scripts-examples/${script}`, ...flags], { cwd: ROOT });
    expect(stderr).not.toContain('ERROR');
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/^\s*✗ /m); // no failed check or threshold
  });
});
