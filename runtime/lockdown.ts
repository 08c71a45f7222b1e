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
 *
 * The prototypes of arrays and typed arrays are frozen another way (see freezeElementHolder): V8
 * stores into every typed array ten times slower once a prototype on its chain went through
 * Object.freeze, and audio made in init code is such a loop. Stores into arrays with holes stay
 * slower than in a realm of one's own: V8 keeps their fast path only while Object.prototype and
 * Array.prototype can gain elements, which no frozen realm allows.
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

/** The prototypes an indexed store into an array or a typed array may consult. */
function elementHolderPrototypes(): Set<object> {
  const TypedArray = Object.getPrototypeOf(Int8Array) as { prototype: object };
  const typedArrays = [
    Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
    Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  ];
  return new Set([Object.prototype, Array.prototype, TypedArray.prototype, ...typedArrays.map((C) => C.prototype)]);
}

/**
 * Object.freeze for a prototype that indexed stores consult, without what Object.freeze also does in
 * V8: mark the object's elements frozen, after which every store into an array or typed array below
 * it checks its prototypes on a slow path. Sealing, then making each data property read-only, leaves
 * the object as frozen (Object.isFrozen is true) with its elements merely sealed. Redefining the
 * properties one by one puts the object in V8's slow dictionary form until it is next made a
 * prototype, which Object.create does: a typed array's `length` is a slow read meanwhile.
 */
function freezeElementHolder(proto: object): void {
  Object.seal(proto);
  for (const key of Reflect.ownKeys(proto)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(proto, key);
    if (descriptor !== undefined && 'value' in descriptor && descriptor.writable === true) Object.defineProperty(proto, key, { writable: false });
  }
  void Object.create(proto);
  if (!Object.isFrozen(proto)) throw new Error('lockdown: a prototype of arrays is not frozen');
}

/** `shared`: the runtime's own objects that every VU of the realm can reach (see REALM_SHARED in vu.ts). */
export function lockdown(shared: readonly object[]): void {
  for (const [proto, names] of SHADOWABLE) for (const name of names) makeShadowable(proto, name);
  guardNewGlobals();
  for (const name of REGEXP_STATICS) {
    if (!Reflect.deleteProperty(RegExp, name)) throw new Error(`lockdown: cannot remove RegExp.${name}`);
  }
  const elementHolders = elementHolderPrototypes();
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
    if (elementHolders.has(value)) freezeElementHolder(value);
    else Object.freeze(value);
  }
}
