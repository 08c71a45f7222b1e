/**
 * Attacks of one VU on another that shares its realm. Each script runs two VUs on one worker (so
 * with compartment isolation they share one V8 context): VU 1 attacks, VU 2 goes on and says what it
 * saw. A write VU 1 makes to something the realm shares must be refused with compartment isolation;
 * with context isolation it may succeed, but only in VU 1's own realm. Either way VU 2 is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { runScript } from './harness.js';

const ISOLATIONS = ['compartment', 'context'] as const;
type Isolation = (typeof ISOLATIONS)[number];

/** One target on 127.0.0.1: HTTP answers `{ "path": <request path> }`, WebSocket echoes text. */
let server: Server;
let wsServer: WebSocketServer;
let httpUrl = '';
let wsUrl = '';
beforeAll(async () => {
  server = createServer((request, response) => {
    response.setHeader('Content-Type', 'application/json');
    response.end(JSON.stringify({ path: request.url }));
  });
  wsServer = new WebSocketServer({ server });
  wsServer.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(binary ? data : data.toString())));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  httpUrl = `http://127.0.0.1:${port}`;
  wsUrl = `ws://127.0.0.1:${port}`;
});
afterAll(async () => {
  for (const client of wsServer.clients) client.terminate();
  await new Promise<void>((resolve) => wsServer.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Every script starts with this: `attempt` logs whether a write went through. */
const PRELUDE = `
declare const require: (id: string) => any;
function attempt(what: string, write: () => void): void {
  try {
    write();
    console.log(what + ': allowed');
  } catch (error) {
    console.log(what + ': refused (' + (error as Error).name + ')');
  }
}
`;

/** Runs `source` with two VUs on one worker (one realm with compartment isolation). */
async function attack(isolation: Isolation, source: string): Promise<{ code: number | null; stderr: string }> {
  const { code, stderr } = await runScript(PRELUDE + source, ['--isolation', isolation, '--workers', '1', '-e', `WS=${wsUrl}`, '-e', `HTTP=${httpUrl}`]);
  return { code, stderr };
}

/** Each write's outcome: refused in both modes, or only where the realm is shared. */
function expectWrites(stderr: string, isolation: Isolation, writes: { shared: readonly string[]; ownModule?: readonly string[] }): void {
  for (const what of writes.shared) {
    expect(stderr).toContain(`${what}: ${isolation === 'compartment' ? 'refused (TypeError)' : 'allowed'}`);
  }
  for (const what of writes.ownModule ?? []) expect(stderr).toContain(`${what}: refused (TypeError)`);
}

/** The run VU 1 attacked went on as if nothing happened: no error, exit 0, nothing of VU 2's reached VU 1 ("stolen"). */
function expectUnharmed({ code, stderr }: { code: number | null; stderr: string }): void {
  expect(stderr).not.toContain('ERROR');
  expect(code).toBe(0);
  expect(stderr).not.toContain('stolen');
}

function options(iterations: number): string {
  return `export const options = { scenarios: { attack: { executor: 'per-vu-iterations', vus: 2, iterations: ${iterations} } } };`;
}

describe.each(ISOLATIONS)('isolation %s: VU 1 attacks VU 2', (isolation) => {
  it("cannot read another VU's messages by patching the shared socket prototypes", async () => {
    const { code, stderr } = await attack(
      isolation,
      `import { sleep } from 'wsk';
       import { open, connect } from 'wsk/ws';
       ${options(1)}
       /** A handler wrapper that reports what it sees when it runs for a VU other than the attacker. */
       function spy(handler: (data: unknown) => void) {
         return (data: unknown) => {
           if (typeof data === 'string' && data.startsWith('secret of VU 2')) console.log('stolen by VU 1: ' + data);
           handler(data);
         };
       }
       export default async function () {
         if (__VU === 1) {
           const socket = await open(__ENV.WS);
           const proto = Object.getPrototypeOf(socket);
           const deliver = proto.deliver;
           attempt('assign Socket.prototype.deliver', () => {
             proto.deliver = function (this: unknown, what: string, data: unknown, ...rest: unknown[]) {
               spy(() => {})(data);
               return deliver.call(this, what, data, ...rest);
             };
           });
           const on = proto.on;
           attempt('define Socket.prototype.on', () => {
             Object.defineProperty(proto, 'on', {
               value: function (this: unknown, event: string, handler: (data: unknown) => void) {
                 return on.call(this, event, spy(handler));
               },
             });
           });
           socket.close();
           await connect(__ENV.WS, (callbackSocket) => {
             const callbackProto = Object.getPrototypeOf(callbackSocket);
             const callbackOn = callbackProto.on;
             attempt('assign CallbackSocket.prototype.on', () => {
               callbackProto.on = function (this: unknown, event: string, handler: (data: unknown) => void) {
                 return callbackOn.call(this, event, spy(handler));
               };
             });
             callbackSocket.close();
           });
           return;
         }
         await sleep(0.3);
         const socket = await open(__ENV.WS);
         socket.on('message', () => {});
         socket.send('secret of VU 2');
         console.log('VU 2 received: ' + (await socket.receive()));
         socket.close();
         await connect(__ENV.WS, (s) => {
           s.on('open', () => s.send('secret of VU 2 via connect'));
           s.on('message', (data) => {
             console.log('VU 2 received: ' + String(data));
             s.close();
           });
         });
       }`,
    );
    expectUnharmed({ code, stderr });
    expect(stderr).toContain('VU 2 received: secret of VU 2\n');
    expect(stderr).toContain('VU 2 received: secret of VU 2 via connect');
    expectWrites(stderr, isolation, { shared: ['assign Socket.prototype.deliver', 'define Socket.prototype.on', 'assign CallbackSocket.prototype.on'] });
  });

  it("cannot replace or patch another VU's metric classes, http responses or module objects", async () => {
    const { code, stderr } = await attack(
      isolation,
      `import { sleep } from 'wsk';
       import { Counter } from 'wsk/metrics';
       import http from 'wsk/http';
       ${options(1)}
       const metrics = require('wsk/metrics');
       // The class itself, not the import (which reads the module object each time it is used).
       const RealCounter = metrics.Counter;
       const counter = new Counter('isolation_probe');
       const steal = (where: string) =>
         function (this: unknown, ...args: unknown[]) {
           console.log('stolen by VU 1 through ' + where + ': ' + JSON.stringify(args));
         };
       export default async function () {
         if (__VU === 1) {
           attempt('assign wsk/metrics Counter', () => {
             metrics.Counter = class {
               add = steal('a fake Counter');
             };
           });
           attempt('assign Metric.prototype.add', () => {
             Object.getPrototypeOf(RealCounter.prototype).add = steal('Metric.prototype.add');
           });
           attempt('assign Counter.prototype.add', () => {
             RealCounter.prototype.add = steal('Counter.prototype.add');
           });
           attempt('assign Counter.marker', () => {
             RealCounter.marker = 'VU 1';
           });
           // VU 1's own instance: whatever happens, it is VU 1's.
           attempt('assign a metric instance', () => {
             (counter as any).add = steal('an instance');
           });
           const response = await http.get(__ENV.HTTP + '/vu1');
           attempt('assign Response.prototype.json', () => {
             Object.getPrototypeOf(response).json = steal('Response.prototype.json');
           });
           attempt('assign TaggedUrl.prototype.toString', () => {
             Object.getPrototypeOf(http.url\`\${__ENV.HTTP}/x\`).toString = steal('TaggedUrl.prototype.toString');
           });
           attempt('assign ExpectedStatuses.prototype.marker', () => {
             Object.getPrototypeOf(http.expectedStatuses(200)).marker = 'VU 1';
           });
           attempt('assign http.expectedStatuses.marker', () => {
             (http.expectedStatuses as any).marker = 'VU 1';
           });
           attempt('assign http.get', () => {
             (http as any).get = steal('http.get');
           });
           attempt('assign wsk check', () => {
             require('wsk').check = steal('check');
           });
           attempt('assign wsk exec.vu', () => {
             require('wsk').exec.vu = { idInTest: 1 };
           });
           attempt('assign wsk/execution vu.idInTest', () => {
             Object.defineProperty(require('wsk/execution').vu, 'idInTest', { value: 1 });
           });
           return;
         }
         await sleep(0.3);
         if (require('wsk/metrics').Counter !== RealCounter) console.log('VU 2 sees a Counter replaced by VU 1');
         if (RealCounter.marker !== undefined) console.log('VU 2 sees a marker left by VU 1 on Counter');
         counter.add(1, { secret: 'of VU 2' });
         const response = await http.get(__ENV.HTTP + '/secret-of-vu-2');
         console.log('VU 2 json: ' + JSON.stringify(response.json()));
         console.log('VU 2 tagged url ends with ' + String(http.url\`\${__ENV.HTTP}/vu2\`).slice(-4));
         if ((http.expectedStatuses as any).marker !== undefined) console.log('VU 2 sees a marker left by VU 1 on http.expectedStatuses');
         if (Object.getPrototypeOf(http.expectedStatuses(200)).marker !== undefined) console.log('VU 2 sees a marker left by VU 1 on ExpectedStatuses');
         console.log('VU 2 is VU ' + require('wsk/execution').vu.idInTest + ' and ' + require('wsk').exec.vu.idInTest);
       }`,
    );
    expectUnharmed({ code, stderr });
    expect(stderr).not.toContain('VU 2 sees');
    expect(stderr).toContain('VU 2 json: {"path":"/secret-of-vu-2"}');
    expect(stderr).toContain('VU 2 tagged url ends with /vu2');
    expect(stderr).toContain('VU 2 is VU 2 and 2');
    expectWrites(stderr, isolation, {
      shared: [
        'assign Metric.prototype.add',
        'assign Counter.prototype.add',
        'assign Counter.marker',
        'assign Response.prototype.json',
        'assign TaggedUrl.prototype.toString',
        'assign ExpectedStatuses.prototype.marker',
        'assign http.expectedStatuses.marker',
      ],
      ownModule: ['assign wsk/metrics Counter', 'assign http.get', 'assign wsk check', 'assign wsk exec.vu', 'assign wsk/execution vu.idInTest'],
    });
  });

  it('cannot patch or fill in the prototypes of arrays and typed arrays', async () => {
    // These prototypes are frozen differently from the rest of the realm (lockdown.ts), so that
    // stores into typed arrays keep their speed: they must refuse the same writes.
    const { code, stderr } = await attack(
      isolation,
      `import { sleep } from 'wsk';
       ${options(1)}
       const TypedArray = Object.getPrototypeOf(Uint8Array);
       export default async function () {
         if (__VU === 1) {
           attempt('assign Array.prototype[1]', () => {
             (Array.prototype as any)[1] = 'VU 1';
           });
           attempt('assign Object.prototype[2]', () => {
             (Object.prototype as any)[2] = 'VU 1';
           });
           attempt('assign Uint8Array.prototype.fill', () => {
             Uint8Array.prototype.fill = function () {
               console.log('stolen by VU 1 through Uint8Array.prototype.fill');
               return this;
             };
           });
           attempt('assign TypedArray.prototype.subarray', () => {
             TypedArray.prototype.subarray = () => 'VU 1';
           });
           attempt('define Array.prototype.marker', () => {
             Object.defineProperty(Array.prototype, 'marker', { value: 'VU 1' });
           });
           attempt('assign Float64Array.prototype[0]', () => {
             (Float64Array.prototype as any)[0] = 1;
           });
           return;
         }
         await sleep(0.3);
         const holes = new Array(3);
         if (holes[1] !== undefined || ({} as any)[2] !== undefined) console.log('VU 2 sees an element left by VU 1');
         if ((Array.prototype as any).marker !== undefined) console.log('VU 2 sees a marker left by VU 1 on Array.prototype');
         const bytes = new Uint8Array(4).fill(7);
         bytes[1] = 300;
         console.log('VU 2 bytes: ' + Array.from(bytes.subarray(0, 3)).join(','));
         console.log('VU 2 prototypes frozen: ' + [Object.prototype, Array.prototype, TypedArray.prototype, Uint8Array.prototype].map(Object.isFrozen).join(','));
       }`,
    );
    expectUnharmed({ code, stderr });
    expect(stderr).not.toContain('VU 2 sees');
    expect(stderr).toContain('VU 2 bytes: 7,44,7');
    const frozen = isolation === 'compartment' ? 'true,true,true,true' : 'false,false,false,false';
    expect(stderr).toContain(`VU 2 prototypes frozen: ${frozen}`);
    expectWrites(stderr, isolation, {
      shared: [
        'assign Array.prototype[1]',
        'assign Object.prototype[2]',
        'assign Uint8Array.prototype.fill',
        'assign TypedArray.prototype.subarray',
        'define Array.prototype.marker',
        'assign Float64Array.prototype[0]',
      ],
    });
  });

  it("reaches no runtime function through .caller, so cannot replace another VU's setup() data", async () => {
    const { code, stderr } = await attack(
      isolation,
      `import { check, group, sleep } from 'wsk';
       import { Counter } from 'wsk/metrics';
       import { connect, open } from 'wsk/ws';
       ${options(3)}
       export function setup() {
         return { token: 'from setup' };
       }
       const probes = new Counter('caller_probes');
       // Functions made by the Function constructor are sloppy-mode, so they have a live .caller:
       // V8 hides only strict callers. A probe logs which function called it; VU 1's default
       // function climbs to the outermost caller (the router) and hands it new setup data.
       const sloppy = new Function('console', 'vu', 'body', \`
         function describe(caller) {
           return caller ? 'reached ' + (caller.name || 'an anonymous function') : 'nothing';
         }
         return {
           probe: function (where) {
             return function (arg) {
               console.log('VU ' + vu + ' probe in ' + where + ': ' + describe(arguments.callee.caller));
               if (arg && typeof arg.close === 'function') arg.close();
               return 'probed';
             };
           },
           main: function (data) {
             var caller = arguments.callee.caller;
             console.log('VU ' + vu + ' probe in the default function: ' + describe(caller));
             if (vu === 1 && caller) {
               while (caller.caller) caller = caller.caller;
               caller([['setupData', JSON.stringify({ token: 'replaced by VU 1' })]]);
             }
             return body(data);
           },
         };
       \`)(console, __VU, body);
       async function body(data: { token: string }) {
         check(1, { 'probe': sloppy.probe('a check() predicate') });
         await group('probe', sloppy.probe('a group() callback'));
         const tags = {};
         Object.defineProperty(tags, 'probe', { get: sloppy.probe('a tag getter read by Metric.add()'), enumerable: true });
         probes.add(1, tags);
         if (__ITER === 0) {
           const socket = await open(__ENV.WS);
           socket.on('message', sloppy.probe('a socket handler'));
           socket.send('hello');
           await socket.receive();
           socket.close();
           await connect(__ENV.WS, sloppy.probe('a ws.connect() callback'));
         }
         if (__VU === 2) {
           await sleep(0.2);
           console.log('VU 2 setup token: ' + data.token);
         }
       }
       export default sloppy.main;`,
    );
    expectUnharmed({ code, stderr });
    expect(stderr).not.toContain('replaced by VU 1');
    expect(stderr.match(/VU 2 setup token: from setup/g)).toHaveLength(3);
    const probes = stderr.match(/VU \d probe in .*/g) ?? [];
    for (const where of ['the default function', 'a check() predicate', 'a group() callback', 'a tag getter read by Metric.add()', 'a socket handler', 'a ws.connect() callback']) {
      expect(probes.filter((line) => line.includes(`probe in ${where}:`)).length, where).toBeGreaterThan(0);
    }
    expect(probes.filter((line) => !line.endsWith(': nothing'))).toEqual([]);
  });

  it("cannot read another VU's last regular expression match through RegExp's legacy statics", async () => {
    const { code, stderr } = await attack(
      isolation,
      `import { sleep } from 'wsk';
       ${options(4)}
       const STATICS = ['$1', '$2', 'input', '$_', 'lastMatch', '$&', 'lastParen', '$+', 'leftContext', '$\`', 'rightContext', "$'"];
       export default async function () {
         if (__VU === 2) {
           console.log('VU 2 replace: ' + 'a-b'.replace(/(\\w)-(\\w)/, '$2-$1'));
           const match = /token=(\\w+)/.exec('user=2 token=secretOfVu2 end');
           if (match?.[1] !== 'secretOfVu2') console.log('VU 2 regex failed');
           await sleep(0.1);
           return;
         }
         await sleep(0.05);
         for (const name of STATICS) {
           const value: unknown = (RegExp as any)[name];
           if (typeof value === 'string' && value.includes('secretOfVu2')) console.log('stolen by VU 1 through RegExp.' + name + ': ' + value);
         }
         if (__ITER === 0) console.log('RegExp.$1 is ' + ('$1' in RegExp ? 'present' : 'absent'));
       }`,
    );
    expectUnharmed({ code, stderr });
    expect(stderr).not.toContain('VU 2 regex failed');
    expect(stderr).toContain('VU 2 replace: b-a');
    expect(stderr).toContain(`RegExp.$1 is ${isolation === 'compartment' ? 'absent' : 'present'}`);
  });
});
