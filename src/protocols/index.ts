/**
 * The protocols of wsk: a folder each, and one row here. Adding one is described in
 * ARCHITECTURE.md ("Adding a protocol").
 */
import { ProtocolRegistry } from './registry.js';
import ws from './ws/index.js';
import http from './http/index.js';

export const PROTOCOLS = new ProtocolRegistry([ws, http]);
