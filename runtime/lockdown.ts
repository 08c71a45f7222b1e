/**
 * Freezes the realm so the VUs that share it cannot see each other's writes (compartment isolation):
 * every intrinsic, everything reachable from globalThis and from the runtime's own shared objects
 * (its classes and module objects) becomes immutable, and globalThis cannot gain properties. User code
 * then keeps its state in its own module scope, one per VU. RegExp's legacy statics (`RegExp.$1`,
 * `RegExp.input`, ...) would hand any VU the last match of whichever VU ran a regex last: they go.
 *
 * Frozen prototypes bring JavaScript's "override mistake": assigning `obj.toString = f` on an object
 * that inherits a frozen `toString` throws. Properties that code commonly shadows that way become
 * accessors whose setter defines the property on the object itself, so ordinary code keeps working.
 *
 * A frozen global object also swallows sloppy-mode code's assignments to undeclared variables
 * (`first = true` in a template compiled with `new Function`, as k6-reporter's EJS templates do):
 * the write silently does nothing and the next read throws a bare "first is not defined". A guard
 * in the global object's prototype chain turns every new global into an error at the write that
 * names the variable and the way out. (k6 gives each VU a global object of its own, as
 * `--isolation context` does, where such code runs as in k6.)
 */

const SHADOWABLE: ReadonlyArray<readonly [object, readonly string[]]> = [
  [Object.prototype, ['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']],
  [Function.prototype, ['constructor', 'toString']],
  [Error.prototype, ['constructor', 'message', 'name', 'toString']],
  ...[TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError].map(
    (E) => [E.prototype, ['constructor', 'message', 'name']] as const,
  ),
  [Promise.prototype, ['constructor', 'then']],
];

/** V8's legacy RegExp statics: configurable accessors on RegExp that read the realm's last match. */
const REGEXP_STATICS = [
  'input', '$_', 'lastMatch', '$&', 'lastParen', '$+', 'leftContext', '$`', 'rightContext', "$'",
  '$1', '$2', '$3', '$4', '$5', '$6', '$7', '$8', '$9',
];

function makeShadowable(proto: object, name: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(proto, name);
  if (descriptor === undefined || !('value' in descriptor)) return;
  const value: unknown = descriptor.value;
  Object.defineProperty(proto, name, {
    get() {
      return value;
    },
    set(this: object, next: unknown) {
      if (this === proto) {
        throw new TypeError(`Cannot assign to read only property '${name}' of a shared builtin (the realm is frozen so VUs cannot leak state)`);
      }
      Object.defineProperty(this, name, { value: next, writable: true, enumerable: true, configurable: true });
    },
    enumerable: descriptor.enumerable ?? false,
    configurable: false,
  });
}

/** Intrinsics that no property path from globalThis reaches. */
function hiddenIntrinsics(): unknown[] {
  const asyncFn = async function () {};
  const gen = function* () {};
  const asyncGen = async function* () {};
  return [
    asyncFn,
    gen,
    asyncGen,
    gen(),
    asyncGen(),
    [][Symbol.iterator](),
    new Map().entries(),
    new Set().values(),
    ''[Symbol.iterator](),
    /a/g[Symbol.matchAll](''),
    (function (this: unknown) {
      return Object.getOwnPropertyDescriptor(arguments, 'callee')?.get;
    })(),
  ];
}

/**
 * Sits between the global object and its prototype: an assignment to a name the global object does
 * not have (an undeclared variable, `globalThis.x = 1`) reaches its `set`, in sloppy and strict code.
 */
function guardNewGlobals(): void {
  const guard = new Proxy(Object.getPrototypeOf(globalThis) as object, {
    set(_target, name) {
      const variable = typeof name === 'symbol' ? name.toString() : `"${name}"`;
      throw new TypeError(
        `cannot create the global variable ${variable}: the VUs of a realm share its global object (--isolation compartment); ` +
          'declare it with let, const or var, or run with --isolation context, where each VU has a global object of its own',
      );
    },
  });
  Object.setPrototypeOf(globalThis, guard);
}

/** `shared`: the runtime's own objects that every VU of the realm can reach (see REALM_SHARED in vu.ts). */
export function lockdown(shared: readonly object[]): void {
  for (const [proto, names] of SHADOWABLE) for (const name of names) makeShadowable(proto, name);
  guardNewGlobals();
  for (const name of REGEXP_STATICS) {
    if (!Reflect.deleteProperty(RegExp, name)) throw new Error(`lockdown: cannot remove RegExp.${name}`);
  }
  const seen = new Set<object>();
  const pending: unknown[] = [globalThis, ...hiddenIntrinsics(), ...shared];
  while (pending.length > 0) {
    const value = pending.pop();
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      if ('value' in descriptor) pending.push(descriptor.value);
      else pending.push(descriptor.get, descriptor.set);
    }
    pending.push(Object.getPrototypeOf(value));
    Object.freeze(value);
  }
}
