/**
 * A value for an error message, whatever an untyped caller passed: `String` itself throws for an
 * object without a prototype, and so does a template literal. Strings come back as they are.
 * @example
 * ```ts
 * show('x'); // 'x'
 * show(Object.create(null)); // '[object Object]'
 * ```
 * @internal
 */
export function show(v: unknown): string {
  try {
    return String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}
