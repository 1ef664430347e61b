import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatJunit, type JunitTestSuite } from '../../../src/formats/index.js';

/** Undoes the escaping of an attribute value or text. */
function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );
}

/** Attribute values of the first element named `tag`. */
function attributesOf(xml: string, tag: string): Record<string, string> {
  const m = new RegExp(`<${tag}((?:\\s+[\\w:-]+="[^"]*")*)\\s*/?>`).exec(xml);
  if (m === null) throw new Error(`no <${tag}> in ${xml}`);
  return Object.fromEntries([...m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, unescape(a[2]!)]));
}

const NASTY = `a & b < c > d " e ' f`;

describe('formatJunit', () => {
  it('CHK-CLI-01: should write testsuites, testsuite and testcase elements with counts from the cases', () => {
    const xml = formatJunit(
      [
        { name: 'a.txt', testcases: [{ name: 'CHK-HDR-01', classname: '01:00.0' }, { name: 'CFG-CAP-02', classname: '01:00.0', failure: { type: 'error', message: 'loop', text: 'details' } }] },
        { name: 'b.txt', testcases: [{ name: 'X', classname: 'c', skipped: true }, { name: 'Y', classname: 'c', skipped: 'later', failure: { message: 'f' } }] },
      ],
      { name: 'iovsim check' },
    );
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
    expect(attributesOf(xml, 'testsuites')).toEqual({ name: 'iovsim check', tests: '4', failures: '2', errors: '0', skipped: '1', time: '0' });
    expect(attributesOf(xml, 'testsuite')).toEqual({ name: 'a.txt', tests: '2', failures: '1', errors: '0', skipped: '0', time: '0' });
    expect(xml).toContain('<failure message="loop" type="error">details</failure>');
    expect(xml).toContain('<testcase name="X" classname="c" time="0">\n      <skipped/>\n    </testcase>');
    // a failed case is a failure, not also skipped
    expect(xml).not.toContain('<skipped message="later"/>');
    expect(xml.match(/<testcase /g)).toHaveLength(4);
  });

  it('CHK-CLI-01: should escape the five markup characters (ampersand, less-than, greater-than, double quote, apostrophe) in attribute values', () => {
    const xml = formatJunit([{ name: NASTY, testcases: [{ name: NASTY, classname: NASTY, failure: { message: NASTY, type: NASTY } }] }], { name: NASTY });
    const escaped = 'a &amp; b &lt; c &gt; d &quot; e &apos; f';
    expect(xml).toContain(`<testsuites name="${escaped}"`);
    expect(xml).toContain(`<testsuite name="${escaped}"`);
    expect(xml).toContain(`<testcase name="${escaped}" classname="${escaped}"`);
    expect(xml).toContain(`<failure message="${escaped}" type="${escaped}"/>`);
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;|#)/);
    expect(attributesOf(xml, 'testcase').name).toBe(NASTY);
  });

  it('CHK-CLI-01: should escape the five markup characters (ampersand, less-than, greater-than, double quote, apostrophe) in text, and keep line breaks in text but not raw in attributes', () => {
    const xml = formatJunit([{
      name: 's', properties: [{ name: 'p<', value: 'v&"' }],
      testcases: [{ name: 't', classname: 'c', failure: { message: 'line 1\nline 2\ttab\r', text: `${NASTY}\nsecond </failure> line` }, systemOut: '<system-out>&' }],
    }]);
    expect(xml).toContain(`<failure message="line 1&#10;line 2&#9;tab&#13;">a &amp; b &lt; c &gt; d &quot; e &apos; f\nsecond &lt;/failure&gt; line</failure>`);
    expect(xml).toContain('<system-out>&lt;system-out&gt;&amp;</system-out>');
    expect(xml).toContain('<property name="p&lt;" value="v&amp;&quot;"/>');
    expect(attributesOf(xml, 'failure').message).toBe('line 1\nline 2\ttab\r');
  });

  it('CHK-CLI-01: should replace characters XML 1.0 cannot hold', () => {
    const xml = formatJunit([{ name: 'nul\u0000 bell\u0007 \ud800 \uffff', testcases: [] }]);
    expect(attributesOf(xml, 'testsuite').name).toBe('nul\ufffd bell\ufffd \ufffd \ufffd');
    expect(formatJunit([{ name: '😀', testcases: [] }])).toContain('name="😀"');
  });

  it('CHK-CLI-01: should be reproducible (no clock read), write timestamps and times only as given, and handle no suites', () => {
    const suites: JunitTestSuite[] = [{ name: 's', testcases: [{ name: 'a', classname: 'c', time: 0.25 }, { name: 'b', classname: 'c', time: 0.5 }] }];
    expect(formatJunit(suites)).toBe(formatJunit(suites));
    expect(attributesOf(formatJunit(suites), 'testsuite').time).toBe('0.75');
    expect(formatJunit(suites)).not.toContain('timestamp');
    expect(attributesOf(formatJunit([{ ...suites[0]!, timestamp: '2025-01-01T00:00:00' }]), 'testsuite').timestamp).toBe('2025-01-01T00:00:00');
    expect(formatJunit([])).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites tests="0" failures="0" errors="0" skipped="0" time="0"/>\n');
  });

  it('CHK-CLI-01: any names and messages round-trip through attributes, and no raw markup character escapes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        const xml = formatJunit([{ name: a, testcases: [{ name: b, classname: a, failure: { message: `${a}${b}`, text: b } }] }]);
        const body = xml.slice(xml.indexOf('?>') + 2);
        // outside tags, no '<' or '>' other than the markup itself; every '&' starts an entity
        expect(body.replace(/<\/?[\w-]+(?:\s+[\w:-]+="[^"<>]*")*\s*\/?>/g, '')).not.toMatch(/[<>]|&(?!amp;|lt;|gt;|quot;|apos;|#\d+;)/);
        const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
        expect(attributesOf(xml, 'testcase').name).toBe(clean(b));
        expect(attributesOf(xml, 'failure').message).toBe(clean(`${a}${b}`));
      }),
    );
  });
});
