/**
 * The esbuild plugin that makes a user's script a wsk bundle: runtime modules (`wsk`, `k6`, and
 * their sub-modules) stay external under their wsk ids, every other non-relative import is an
 * error naming what is importable, and each user script file is loaded through the auto-await rewrite.
 */
import type { Loader, OnLoadResult, OnResolveResult, Plugin } from 'esbuild';
import path from 'node:path';
import { quote } from '../errors.js';
import { toEsbuildMessage } from './messages.js';
import type { ScriptRewriter } from './rewrite.js';
import { importableModules, runtimeModuleOf, type RuntimeTable } from './runtime-table.js';
import { SCRIPT_FILE } from './units.js';

export function wskPlugin(rewriter: ScriptRewriter, table: RuntimeTable): Plugin {
  return {
    name: 'wsk',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args): OnResolveResult | undefined => {
        if (args.kind === 'entry-point' || path.isAbsolute(args.path)) return undefined;
        const id = runtimeModuleOf(table, args.path);
        if (id !== undefined) return { path: id, external: true };
        return { errors: [{ text: unavailableModuleMessage(args.path, table) }] };
      });
      build.onLoad({ filter: SCRIPT_FILE }, (args): OnLoadResult | undefined => {
        const rewrite = rewriter.rewrite(args.path);
        // Unreadable: esbuild's own loader reports it.
        if (rewrite === undefined) return undefined;
        return {
          contents: rewrite.code,
          loader: loaderFor(args.path),
          errors: rewrite.errors.map((message) => toEsbuildMessage(args.path, message)),
          warnings: rewrite.warnings.map((message) => toEsbuildMessage(args.path, message)),
        };
      });
    },
  };
}

function loaderFor(file: string): Loader {
  return /\.[cm]?ts$/.test(file) ? 'ts' : 'js';
}

export function unavailableModuleMessage(specifier: string, table: RuntimeTable): string {
  const available = `${importableModules(table).join(', ')}, or the script's own files by relative path ("./lib.js")`;
  if (/^(k6|wsk)(\/|$)/.test(specifier)) return `module ${quote(specifier)} is not available in wsk; scripts can import ${available}`;
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return `cannot import ${quote(specifier)}: wsk bundles no remote or built-in modules; scripts can import ${available}`;
  return `cannot import package ${quote(specifier)}: wsk bundles no packages; scripts can import ${available}`;
}
