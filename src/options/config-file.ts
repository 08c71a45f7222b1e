/**
 * The config file a team keeps beside its script (`wsk.yaml`, `wsk.yml` or `wsk.json`, or the file
 * `--config` names): the options a script exports, run settings (outputs, report, workers, ...),
 * named profiles, and `env` variables for the script (target URLs, say). Strings may take values from
 * the environment: `${VAR}`, or `${VAR:-default}`. Every value keeps its file:line:col, for errors
 * and for `wsk inspect`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type ParsedNode, type Scalar } from 'yaml';
import { configError, quote } from '../errors.js';
import { displayPath } from '../bundle/display-path.js';
import type { Layer, Sourced } from './layers.js';
import { CONFIG_RUN_SETTINGS, PROFILE_OPTION_KEYS, unknownKey } from './schema.js';

/** Looked for beside the script, in this order, when --config names no file. */
export const CONFIG_NAMES = ['wsk.yaml', 'wsk.yml', 'wsk.json'];

/** Keys of the file besides options and run settings. */
const FILE_KEYS = ['profiles', 'env'];

export interface ConfigFile {
  /** As messages print it (relative to the working directory when inside it). */
  readonly name: string;
  /** The script options it gives, each with its file:line:col. */
  readonly options: Layer;
  /** Run settings by their key in the file ('out', 'workers', ...), values as written. */
  readonly run: Layer;
  /** Each profile's options and run settings. */
  readonly profiles: Readonly<Record<string, { readonly options: Layer; readonly run: Layer }>>;
  /** Variables for the script's __ENV. */
  readonly env: Readonly<Record<string, string>>;
}

/** The config file for `script`: the one --config names, else the first of CONFIG_NAMES beside it, else none. */
export function findConfigFile(scriptPath: string, cwd: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file)) throw configError('INVALID_CLI', `--config: no file ${quote(explicit)} (resolved to ${file})`);
    return file;
  }
  const dir = path.dirname(path.resolve(cwd, scriptPath));
  return CONFIG_NAMES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
}

/** Reads and checks a config file; `vars` are what `${VAR}` may name. */
export function readConfigFile(file: string, cwd: string, vars: Readonly<Record<string, string>>): ConfigFile {
  const name = displayPath(file, cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw configError('IO', `cannot read the config file ${name}: ${(error as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${name}:${line}:${col}`;
  };
  const [error] = doc.errors;
  if (error !== undefined) throw configError('INVALID_OPTION', `${at(error.pos[0])}: ${firstLine(error.message)}`);
  const reader = new NodeReader(doc, at, vars);
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { name, options: {}, run: {}, profiles: {}, env: {} };
  if (!isMap(root)) throw configError('INVALID_OPTION', `${at(root.range[0])}: a config file is a map of options, e.g. "vus: 10"`);

  const top = reader.entries(root, 'the config file', [...PROFILE_OPTION_KEYS, ...CONFIG_RUN_SETTINGS, ...FILE_KEYS]);
  const profiles: Record<string, { options: Layer; run: Layer }> = {};
  const profilesNode = top.get('profiles');
  if (profilesNode !== undefined) {
    if (!isMap(profilesNode.value)) throw configError('INVALID_OPTION', `${profilesNode.at}: profiles is a map of named profiles, e.g. "load: { vus: 50, duration: 5m }"`);
    for (const [profile, entry] of reader.entries(profilesNode.value, 'profiles', undefined)) {
      if (!isMap(entry.value)) throw configError('INVALID_OPTION', `${entry.at}: profile ${quote(profile)} is a map of options, e.g. "vus: 50"`);
      const keys = reader.entries(entry.value, `profile ${quote(profile)}`, [...PROFILE_OPTION_KEYS, ...CONFIG_RUN_SETTINGS]);
      profiles[profile] = split(keys, reader, `profile ${profile}`);
    }
  }
  const envNode = top.get('env');
  const env: Record<string, string> = {};
  if (envNode !== undefined) {
    if (!isMap(envNode.value)) throw configError('INVALID_OPTION', `${envNode.at}: env is a map of variables, e.g. "TARGET: ws://127.0.0.1:8080"`);
    for (const [key, entry] of reader.entries(envNode.value, 'env', undefined)) {
      const value = reader.value(entry.value);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw configError('INVALID_OPTION', `${entry.at}: env: invalid variable name ${quote(key)}; use letters, digits and _`);
      if (typeof value === 'object' && value !== null) throw configError('INVALID_OPTION', `${entry.at}: env.${key}: use a string, a number or a boolean`);
      env[key] = String(value);
    }
  }
  top.delete('profiles');
  top.delete('env');
  return { name, ...split(top, reader, undefined), profiles, env };
}

/** The options and the run settings of a map's entries, each sourced with its position. */
function split(entries: Map<string, Entry>, reader: NodeReader, profile: string | undefined): { options: Layer; run: Layer } {
  const options: Record<string, Sourced> = {};
  const run: Record<string, Sourced> = {};
  for (const [key, entry] of entries) {
    const sourced = { value: reader.value(entry.value), source: profile === undefined ? entry.at : `${entry.at} (${profile})` };
    if ((CONFIG_RUN_SETTINGS as readonly string[]).includes(key)) run[key] = sourced;
    else options[key] = sourced;
  }
  return { options, run };
}

interface Entry {
  readonly value: ParsedNode | null;
  /** file:line:col of its key. */
  readonly at: string;
}

/** Reads YAML nodes into plain values, taking `${VAR}` from `vars`, with positions for every error. */
class NodeReader {
  constructor(
    private readonly doc: Document.Parsed,
    private readonly at: (offset: number) => string,
    private readonly vars: Readonly<Record<string, string>>,
  ) {}

  /** A map's entries by key; a key outside `known` (when given) is an error naming the closest one. */
  entries(map: Node, owner: string, known: readonly string[] | undefined): Map<string, Entry> {
    const entries = new Map<string, Entry>();
    if (!isMap(map)) return entries;
    for (const pair of map.items) {
      const keyNode = pair.key as ParsedNode | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      const at = this.at(keyNode?.range[0] ?? 0);
      if (known !== undefined && !known.includes(key)) throw unknownKey(key, known, `${owner} (${at})`);
      entries.set(key, { value: pair.value as ParsedNode | null, at });
    }
    return entries;
  }

  value(node: ParsedNode | null): unknown {
    if (node === null) return null;
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) out[String(isScalar(pair.key) ? pair.key.value : pair.key)] = this.value(pair.value as ParsedNode | null);
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => this.value(item as ParsedNode | null));
    if (isScalar(node)) return this.scalar(node);
    // An alias (*name) stands for the node it names.
    return this.value((node as unknown as { resolve(doc: Document): ParsedNode | undefined }).resolve(this.doc) ?? null);
  }

  /** A scalar with `${VAR}` and `${VAR:-default}` filled in; an unquoted one is read again as YAML (so `${VUS:-10}` is a number). */
  scalar(node: Scalar): unknown {
    if (typeof node.value !== 'string') return node.value;
    const text = node.value;
    if (!text.includes('${')) return text;
    const filled = text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
      const value = this.vars[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw configError(
        'INVALID_OPTION',
        `${this.at(node.range?.[0] ?? 0)}: \${${name}} is not set; set ${name} in the environment or an --env-file, or give a default: \${${name}:-value}`,
      );
    });
    if (node.type !== 'PLAIN') return filled;
    const again = parseDocument(filled).contents;
    return isScalar(again) ? again.value : filled;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
