/** wsk's built-in target servers (echo, chat, voice): what `wsk serve` and `wsk run --serve` start. */
export { LISTENING_LINE, TARGET_KINDS } from './types.js';
export type { ChatOptions, RunningTarget, TargetKind, TargetOptions, VoiceOptions } from './types.js';
export { CHAT_DEFAULTS, VOICE_DEFAULTS } from './options.js';
export { startTarget } from './server.js';
export { serveUntil } from './serve.js';
export { parseServeFlags, parseTargetSpec, type TargetSpec } from './flags.js';
export { spawnTarget, type SpawnedTarget } from './spawn.js';
