import { StorageUriError } from '../errors';

export const MAX_URI_LENGTH = 2048;

/**
 * Refuses characters that let a path mean something other than what it looks like:
 * NUL and control bytes, backslashes (Windows separators to some tools), percent-encoded
 * path syntax (`%2e`, `%2f`, `%5c`; `%25` so double encoding never survives one decode),
 * overlong-UTF-8 lead bytes, and compatibility characters that NFKC folds into `.`/`/`/`\`.
 */
export function assertSafeCharacters(text: string, input: string): void {
  if (text.includes('\0')) throw refuse('nul_byte', input, 'contains a NUL byte');
  if (hasControlCharacter(text)) throw refuse('control_character', input, 'contains a control character');
  if (text.includes('\\')) throw refuse('backslash', input, 'contains a backslash; use "/" as the separator');
  for (const match of text.matchAll(/%([0-9a-fA-F]{2})/g)) {
    const byte = parseInt(match[1], 16);
    if (byte === 0) throw refuse('nul_byte', input, 'contains an encoded NUL byte (%00)');
    if (isDangerousEncodedByte(byte)) {
      throw refuse('encoded_path_character', input, `contains "${match[0]}", an encoded path or control character`);
    }
  }
  const folded = text.normalize('NFKC');
  if (folded !== text && (folded.includes('\\') || hasTraversalSegment(folded) || count(folded, '/') !== count(text, '/'))) {
    throw refuse('confusable_character', input, 'contains characters that normalize to path separators or dots');
  }
}

export function hasTraversalSegment(path: string): boolean {
  return path.split('/').some((segment) => segment === '..');
}

export function assertNoTraversal(path: string, input: string): void {
  if (hasTraversalSegment(path)) throw refuse('path_traversal', input, 'contains a ".." segment');
}

function isDangerousEncodedByte(byte: number): boolean {
  const pathSyntax = byte === 0x2e || byte === 0x2f || byte === 0x5c || byte === 0x25;
  const control = byte < 0x20 || byte === 0x7f;
  const neverValidUtf8 = byte === 0xc0 || byte === 0xc1 || byte >= 0xf5;
  return pathSyntax || control || neverValidUtf8;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return true;
  }
  return false;
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

export function refuse(reason: StorageUriError['reason'], input: string, problem: string): StorageUriError {
  return new StorageUriError(reason, `storage URI ${quote(input)} ${problem}`, { uri: input });
}

/** Quotes user input for a message, escaping control characters and cutting it short. */
export function quote(input: string): string {
  const shown = input.length > 200 ? `${input.slice(0, 200)}...` : input;
  return JSON.stringify(shown);
}
