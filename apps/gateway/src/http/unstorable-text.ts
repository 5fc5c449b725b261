/**
 * Text Postgres cannot store: U+0000 (refused by `text` and `jsonb`) and lone UTF-16 surrogates
 * (JSON may carry them as `\ud800` escapes; they have no UTF-8 form). Such a value in a request
 * must be that request's own 400, never a failed insert shared with other clients' creates.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isUnstorableText(text: string): boolean {
  return text.includes('\u0000') || LONE_SURROGATE.test(text);
}

/**
 * The path (`params.category`, `tags[2]`) of the first string or object key in `value` that
 * Postgres cannot store; undefined when there is none. Walks without recursion.
 */
export function findUnstorableText(value: unknown, root: string): string | undefined {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (isUnstorableText(node)) return path;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const array = Array.isArray(node);
    for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
      const childPath = array ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (!array && isUnstorableText(key)) return childPath;
      stack.push([child, childPath]);
    }
  }
  return undefined;
}
