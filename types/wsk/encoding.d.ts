/** `wsk/encoding` (alias `k6/encoding`): base64 as k6 (and Go) know it. */
export {};

/** std: padded, + and /; rawstd: std without padding; url: padded, - and _; rawurl: url without padding. */
export type Base64Encoding = 'std' | 'rawstd' | 'url' | 'rawurl';

/** Base64 of a string's UTF-8 bytes, or of the bytes given. */
export function b64encode(input: string | ArrayBuffer | ArrayBufferView, encoding?: Base64Encoding): string;
/** The decoded text when `format` is 's', else the bytes. */
export function b64decode(input: string, encoding: Base64Encoding | undefined, format: 's'): string;
export function b64decode(input: string, encoding?: Base64Encoding): ArrayBuffer;
