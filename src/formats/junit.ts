/**
 * A JUnit XML writer: test suites and test cases as data, one XML document out, in the shape CI
 * systems (Jenkins, GitLab, GitHub test reporters) read.
 *
 * This module is pure: it has no imports, does no I/O and never touches global state.
 *
 * @spec JUnit XML as written by Apache Ant's `junitreport` / Maven Surefire (`testsuites` → `testsuite` → `testcase`)
 * @spec W3C XML 1.0 (Fifth Edition) §2.2 (characters), §2.4 (character data), §3.1 (attribute values)
 * @module
 */

/**
 * A failed assertion of a test case (written as `<failure>`).
 *
 * @category Formats
 */
export interface JunitFailure {
  /** One-line summary, written in the `message` attribute. */
  readonly message: string;
  /** Kind of failure, written in the `type` attribute (e.g. `error`, `warning`). */
  readonly type?: string | undefined;
  /** Details, written as the element's text (may span lines). */
  readonly text?: string | undefined;
}

/**
 * One test case (written as `<testcase>`).
 *
 * @category Formats
 */
export interface JunitTestCase {
  /** Name of the test case. */
  readonly name: string;
  /** Class name: what the case belongs to (CI tools group by it). */
  readonly classname: string;
  /** Duration in seconds. @defaultValue 0 */
  readonly time?: number | undefined;
  /** The failure, when the case failed; a case has at most one. */
  readonly failure?: JunitFailure | undefined;
  /** `true` or a reason: the case was skipped (written as `<skipped/>`). Ignored when `failure` is given. */
  readonly skipped?: boolean | string | undefined;
  /** Output to attach to the case (written as `<system-out>`). */
  readonly systemOut?: string | undefined;
}

/**
 * One test suite (written as `<testsuite>`); its `tests`, `failures`, `errors` and `skipped`
 * attributes are counted from its cases.
 *
 * @category Formats
 */
export interface JunitTestSuite {
  /** Name of the suite. */
  readonly name: string;
  /** Test cases, in order. */
  readonly testcases: readonly JunitTestCase[];
  /** Duration in seconds. @defaultValue the sum of the cases' times */
  readonly time?: number | undefined;
  /** ISO 8601 start time (written only when given, so that output is reproducible by default). */
  readonly timestamp?: string | undefined;
  /** Name/value pairs written as `<properties>` (omitted when empty). */
  readonly properties?:
    | readonly {
        /** Property name. */
        readonly name: string;
        /** Property value. */
        readonly value: string;
      }[]
    | undefined;
}

/**
 * Options of {@link formatJunit}.
 *
 * @category Formats
 */
export interface JunitOptions {
  /** `name` attribute of the root `<testsuites>` element (omitted when not given). */
  readonly name?: string | undefined;
}

/**
 * Replaces what XML 1.0 cannot hold at all: C0 controls other than tab, LF and CR, lone
 * surrogates, U+FFFE and U+FFFF become U+FFFD.
 */
function xmlChars(s: string): string {
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * Escapes text for XML character data: `&`, `<`, `>`, `"` and `'` become entities, CR becomes
 * `&#13;` (a parser would turn a raw CR into LF), characters XML cannot hold become U+FFFD.
 */
function escapeText(s: string): string {
  return xmlChars(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;');
}

/** Escapes text for a double-quoted attribute value; tab, LF and CR become character references (a parser would normalise them to spaces). */
function escapeAttr(s: string): string {
  return escapeText(s).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

/** A number as an attribute value: finite and non-negative, else 0. */
function seconds(t: number | undefined): string {
  return t !== undefined && Number.isFinite(t) && t >= 0 ? String(t) : '0';
}

function attrs(list: readonly (readonly [string, string | number | undefined])[]): string {
  return list
    .filter((a): a is readonly [string, string | number] => a[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`)
    .join('');
}

function counts(cases: readonly JunitTestCase[]): { tests: number; failures: number; skipped: number; time: number } {
  let failures = 0;
  let skipped = 0;
  let time = 0;
  for (const c of cases) {
    if (c.failure !== undefined) failures++;
    else if (c.skipped !== undefined && c.skipped !== false) skipped++;
    if (c.time !== undefined && Number.isFinite(c.time) && c.time > 0) time += c.time;
  }
  return { tests: cases.length, failures, skipped, time };
}

function formatCase(c: JunitTestCase): string {
  const open = `    <testcase${attrs([['name', c.name], ['classname', c.classname], ['time', seconds(c.time)]])}`;
  const body: string[] = [];
  if (c.failure !== undefined) {
    const f = c.failure;
    const head = `      <failure${attrs([['message', f.message], ['type', f.type]])}`;
    body.push(f.text === undefined || f.text === '' ? `${head}/>` : `${head}>${escapeText(f.text)}</failure>`);
  } else if (c.skipped !== undefined && c.skipped !== false) {
    body.push(typeof c.skipped === 'string' ? `      <skipped${attrs([['message', c.skipped]])}/>` : '      <skipped/>');
  }
  if (c.systemOut !== undefined && c.systemOut !== '') body.push(`      <system-out>${escapeText(c.systemOut)}</system-out>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

function formatSuite(s: JunitTestSuite): string {
  const n = counts(s.testcases);
  const lines = [`  <testsuite${attrs([
    ['name', s.name], ['tests', n.tests], ['failures', n.failures], ['errors', 0], ['skipped', n.skipped],
    ['time', seconds(s.time ?? n.time)], ['timestamp', s.timestamp],
  ])}${s.testcases.length === 0 && (s.properties ?? []).length === 0 ? '/>' : '>'}`];
  if (s.testcases.length === 0 && (s.properties ?? []).length === 0) return lines[0]!;
  if (s.properties !== undefined && s.properties.length > 0) {
    lines.push('    <properties>');
    for (const p of s.properties) lines.push(`      <property${attrs([['name', p.name], ['value', p.value]])}/>`);
    lines.push('    </properties>');
  }
  for (const c of s.testcases) lines.push(formatCase(c));
  lines.push('  </testsuite>');
  return lines.join('\n');
}

/**
 * Writes test suites as one JUnit XML document.
 *
 * @remarks
 * - **Shape**: an XML declaration, then a root `<testsuites>` holding one `<testsuite>` per suite
 *   and one `<testcase>` per case, with `<failure>` (at most one per case), `<skipped/>` and
 *   `<system-out>` children as the case says, and `<properties>` when a suite has any.
 * - **Counts**: `tests`, `failures`, `errors` (always 0: this writer reports failed assertions,
 *   not crashed tests) and `skipped` on every `<testsuite>` and on the root are counted from the
 *   cases, so they always match the children. A case with a failure is not counted as skipped.
 * - **Escaping**: every attribute value and text is escaped: `&`, `<`, `>`, `"` and `'` become
 *   `&amp;`, `&lt;`, `&gt;`, `&quot;` and `&apos;`; in attributes tab, LF and CR become `&#9;`,
 *   `&#10;` and `&#13;` so they survive attribute-value normalisation; characters XML 1.0 cannot
 *   hold (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE, U+FFFF) become U+FFFD.
 * - **Reproducible**: no clock is read; `timestamp` is written only when a suite gives one, and
 *   `time` defaults to 0 (or the sum of the cases' times).
 * - The text ends with a newline.
 * @spec JUnit XML (Ant `junitreport`, Maven Surefire report format)
 * @spec W3C XML 1.0 §2.2, §2.4, §3.3.3 (attribute-value normalisation)
 * @param suites - The suites, in order.
 * @param options - Name of the root element.
 * @returns The XML document.
 * @example
 * ```ts
 * formatJunit([{ name: 'dump.txt', testcases: [
 *   { name: 'CHK-HDR-01', classname: '01:00.0' },
 *   { name: 'CFG-CAP-02', classname: '01:00.0', failure: { type: 'error', message: 'chain loops' } },
 * ] }], { name: 'iovsim check' });
 * // <?xml version="1.0" encoding="UTF-8"?>
 * // <testsuites name="iovsim check" tests="2" failures="1" errors="0" skipped="0" time="0">
 * //   <testsuite name="dump.txt" tests="2" failures="1" errors="0" skipped="0" time="0">
 * //     <testcase name="CHK-HDR-01" classname="01:00.0" time="0"/>
 * //     <testcase name="CFG-CAP-02" classname="01:00.0" time="0">
 * //       <failure message="chain loops" type="error"/>
 * //     </testcase>
 * //   </testsuite>
 * // </testsuites>
 * ```
 * @category Formats
 */
export function formatJunit(suites: readonly JunitTestSuite[], options: JunitOptions = {}): string {
  const all = suites.map((s) => counts(s.testcases));
  const sum = (k: 'tests' | 'failures' | 'skipped'): number => all.reduce((a, n) => a + n[k], 0);
  const time = suites.reduce((a, s, i) => a + Number(seconds(s.time ?? all[i]!.time)), 0);
  const root = `<testsuites${attrs([
    ['name', options.name], ['tests', sum('tests')], ['failures', sum('failures')], ['errors', 0], ['skipped', sum('skipped')], ['time', seconds(time)],
  ])}`;
  const body = suites.map(formatSuite);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.length === 0 ? `${root}/>` : `${root}>\n${body.join('\n')}\n</testsuites>`}\n`;
}
