import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import fc from 'fast-check';
import { runCli } from '../../helpers/cli.js';
import { igbPf } from '../../helpers/arb-sriov.js';
import { readLE, writeLE } from '../../../src/bits/index.js';
import { checkFunctions } from '../../../src/cli/check.js';
import { buildConfigSpace, sampleEndpointSpec, walkCapabilities } from '../../../src/config/index.js';
import { REQUIREMENTS } from '../../../src/conformance/index.js';
import { formatLspciDump, parseLspciDump, type LspciDumpSize, type PciAddress } from '../../../src/formats/index.js';

const run = runCli;
const ADDR: PciAddress = { domain: 0, bus: 1, device: 0, function: 0 };

/** The igb-like PF of the helpers (VF BARs placed page-aligned, ARI Capable Hierarchy as given) and its SR-IOV offset. */
function igb(ari = true): { bytes: Uint8Array; cap: number } {
  return igbPf({ ari });
}

function dump(bytes: Uint8Array, address: PciAddress = ADDR, size: LspciDumpSize = 4096, description = 'Ethernet controller: igb'): string {
  return formatLspciDump({ address, bytes, description }, size);
}

/** The igb dump with some registers overwritten: `[offset, size, value]` (SR-IOV offsets are relative to `sriov`). */
function corrupted(pokes: readonly (readonly [number, 1 | 2 | 4, number])[], opts: { ari?: boolean; sriov?: boolean; address?: PciAddress } = {}): string {
  const { bytes, cap } = igb(opts.ari ?? true);
  for (const [o, size, v] of pokes) writeLE(bytes, (opts.sriov === true ? cap : 0) + o, size, v);
  return dump(bytes, opts.address);
}
const sriov = (pokes: readonly (readonly [number, 1 | 2 | 4, number])[], opts: { ari?: boolean; address?: PciAddress } = {}): string => corrupted(pokes, { ...opts, sriov: true });

interface Finding { id: string; severity: 'error' | 'warning' | 'note'; message: string; spec: string }
interface FileJson { file: string; functions: { address: string; findings: Finding[] }[] }

/** Runs `check --json` on one dump; returns the exit code and the findings of the first function. */
function findings(text: string): { code: number; findings: Finding[] } {
  const r = run(['check', '--json', 'd.txt'], { 'd.txt': text });
  expect(r.err).toBe('');
  return { code: r.code, findings: (JSON.parse(r.out) as FileJson[])[0]!.functions[0]!.findings };
}
const ids = (fs: readonly Finding[], severity?: Finding['severity']): string[] => fs.filter((f) => severity === undefined || f.severity === severity).map((f) => f.id);

const endpoint = (): Uint8Array => buildConfigSpace(sampleEndpointSpec()).peek().slice();

// ---- a hand-written XML well-formedness check --------------------------------------------------

interface XmlNode { name: string; attrs: Record<string, string>; children: XmlNode[]; text: string }

const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
const NAME = '[A-Za-z_][\\w.:-]*';

function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))),
  );
}

/** Character data or an attribute value: no '<', and every '&' starts a known entity or a character reference. */
function checkChars(s: string, where: string): void {
  for (let k = 0; k < s.length; k++) {
    if (s[k] === '<') throw new Error(`raw '<' in ${where}`);
    if (s[k] === '&' && !ENTITY.test(s.slice(k))) throw new Error(`unescaped '&' in ${where}: ${s.slice(k, k + 12)}`);
  }
}

/** Parses the subset of XML the JUnit writer emits, throwing on anything not well formed: unbalanced or crossed tags, bad names, unquoted or duplicate attributes, unescaped markup, text or a second element outside the root. */
function parseXml(xml: string): XmlNode {
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (decl === null) throw new Error('no XML declaration');
  i = decl[0].length;
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  while (i < xml.length) {
    if (xml[i] === '<') {
      const end = xml.indexOf('>', i);
      if (end < 0) throw new Error(`unterminated tag at ${i}`);
      const tag = xml.slice(i + 1, end);
      if (tag.startsWith('/')) {
        const top = stack.pop();
        if (top === undefined || top.name !== tag.slice(1)) throw new Error(`</${tag.slice(1)}> closes <${top?.name ?? 'nothing'}>`);
        if (stack.length === 0) root = top;
      } else {
        if (stack.length === 0 && root !== undefined) throw new Error('a second root element');
        const self = tag.endsWith('/');
        const m = new RegExp(`^(${NAME})((?:\\s+${NAME}="[^"]*")*)\\s*$`).exec(self ? tag.slice(0, -1) : tag);
        if (m === null) throw new Error(`malformed tag <${tag}>`);
        const node: XmlNode = { name: m[1]!, attrs: {}, children: [], text: '' };
        for (const a of m[2]!.matchAll(new RegExp(`(${NAME})="([^"]*)"`, 'g'))) {
          if (a[1]! in node.attrs) throw new Error(`duplicate attribute ${a[1]} on <${node.name}>`);
          checkChars(a[2]!, `attribute ${a[1]} of <${node.name}>`);
          node.attrs[a[1]!] = unescapeXml(a[2]!);
        }
        stack.at(-1)?.children.push(node);
        if (!self) stack.push(node);
        else if (stack.length === 0) root = node;
      }
      i = end + 1;
    } else {
      const next = xml.indexOf('<', i);
      const text = xml.slice(i, next < 0 ? xml.length : next);
      checkChars(text, 'text');
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error(`text outside the root: ${text.slice(0, 20)}`);
      } else stack.at(-1)!.text += unescapeXml(text);
      i = next < 0 ? xml.length : next;
    }
  }
  if (stack.length > 0) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (root === undefined) throw new Error('no root element');
  return root;
}

/** Checks the JUnit shape: root <testsuites>, <testsuite> children, counts in attributes equal to the children. */
function checkJunit(root: XmlNode): void {
  expect(root.name).toBe('testsuites');
  let tests = 0;
  let failures = 0;
  for (const s of root.children) {
    expect(s.name).toBe('testsuite');
    const cases = s.children.filter((c) => c.name === 'testcase');
    expect(s.children.every((c) => c.name === 'testcase' || c.name === 'properties')).toBe(true);
    for (const c of cases) {
      expect(c.attrs['name']).toBeTruthy();
      expect(c.attrs['classname']).toBeTruthy();
      expect(c.children.every((x) => ['failure', 'skipped', 'system-out'].includes(x.name))).toBe(true);
      expect(c.children.filter((x) => x.name === 'failure').length).toBeLessThanOrEqual(1);
      for (const f of c.children.filter((x) => x.name === 'failure')) expect(f.attrs['message']).toBeTruthy();
    }
    const f = cases.filter((c) => c.children.some((x) => x.name === 'failure')).length;
    expect(s.attrs).toMatchObject({ tests: String(cases.length), failures: String(f), errors: '0', skipped: '0' });
    expect(s.children.some((c) => c.children.some((x) => x.name === 'skipped'))).toBe(false);
    tests += cases.length;
    failures += f;
  }
  expect(root.attrs).toMatchObject({ tests: String(tests), failures: String(failures), errors: '0', skipped: '0' });
}

// ---- tests ---------------------------------------------------------------------------------------

describe('iovsim check: dumps exported from our own profiles pass', () => {
  it('CHK-CLI-01 CHK-HDR-01 CHK-SRIOV-01 CHK-SRIOV-02 CHK-SRIOV-03 CHK-SRIOV-04: an igb PF (ARI Capable Hierarchy, VF BARs page-aligned) exits 0 with the Linux verdict as a note', () => {
    const r = run(['check', 'igb.txt'], { 'igb.txt': dump(igb().bytes) });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^igb\.txt\n {2}01:00\.0 Ethernet controller: igb\n/);
    expect(r.out).toMatch(/^ {4}note {4}SRIOV-LINUX-01 +\[Linux v6\.18 drivers\/pci\/iov\.c\] Linux sriov_enable\(8\) .* would succeed \(System Page Size 4096, last VF bus 01\)$/m);
    expect(r.out).not.toMatch(/^ {4}(error|warning) /m);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('1 function, 0 errors, 0 warnings, 1 note');
  });

  it('CHK-CLI-01 CHK-HDR-02 CHK-HDR-03 CHK-CAP-01 CFG-CAP-02: the sample endpoint, at 64, 256 and 4096 bytes, has no findings', () => {
    const bytes = endpoint();
    const files = { a: dump(bytes, ADDR, 4096, 'endpoint'), b: dump(bytes, ADDR, 64), c: dump(bytes, ADDR, 256) };
    const r = run(['check', 'a', 'b'], files);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^a\n {2}01:00\.0 endpoint\n {4}ok: \d+ requirements checked, no findings\nb\n/);
    // lspci -x: the capability list starts beyond the 64 bytes read
    expect(r.out).toMatch(/^ {4}note {4}CFG-CAP-02 .* capability at 0x40 lies beyond the 64 bytes given: not checked \(use lspci -xxx or -xxxx\)$/m);
    expect(r.out).toMatch(/\n2 functions, 0 errors, 0 warnings, 1 note\n$/);
    const small = findings(files.c);
    expect(small.code).toBe(0);
    expect(small.findings).toEqual([expect.objectContaining({ id: 'CHK-CAP-01', severity: 'note', message: expect.stringMatching(/256 bytes: the extended capabilities .* not checked/) })]);
  });

  it('CHK-CLI-01: every finding names a catalogued requirement and a spec section', () => {
    const known = new Set(REQUIREMENTS.map((r) => r.id));
    const all = [sriov([[0x0c, 2, 9]]), corrupted([[0, 2, 0]]), sriov([[0x14, 2, 0xfff0]]), sriov([], { ari: false })].flatMap((t) => findings(t).findings);
    expect(all.length).toBeGreaterThan(3);
    for (const f of all) {
      expect(known.has(f.id), f.id).toBe(true);
      expect(f.spec).toMatch(/PCIe Base r6\.0 §|Linux/);
    }
  });
});

describe('iovsim check: dumps corrupted on purpose report the requirement and exit 1', () => {
  it('CFG-CAP-02: a loop in the standard or the extended capability list', () => {
    const { bytes } = igb();
    const caps = walkCapabilities(bytes).entries;
    bytes[caps.at(-1)!.offset + 1] = caps[0]!.offset;
    const std = findings(dump(bytes));
    expect(std.code).toBe(1);
    expect(std.findings).toContainEqual(expect.objectContaining({ id: 'CFG-CAP-02', severity: 'error', message: expect.stringMatching(/standard capability list: .* loops/) }));
    // the SR-IOV capability points back to 0x100
    const { cap } = igb();
    const ext = findings(sriov([[0, 4, (0x100 << 20) | (1 << 16) | 0x10]]));
    expect(ext.code).toBe(1);
    expect(ext.findings).toContainEqual(expect.objectContaining({ id: 'CFG-CAP-02', severity: 'error', message: expect.stringMatching(new RegExp(`extended capability list: next offset at 0x${cap.toString(16)} returns to 0x100`)) }));
  });

  it('CFG-CAP-02: pointers out of range, misaligned pointers and broken chains', () => {
    const out = findings(corrupted([[0x34, 1, 0x20]]));
    expect(out.findings).toContainEqual(expect.objectContaining({ id: 'CFG-CAP-02', severity: 'error', message: expect.stringMatching(/points into the header/) }));
    const mis = findings(corrupted([[0x34, 1, 0x41]]));
    expect(mis.findings).toContainEqual(expect.objectContaining({ id: 'CFG-CAP-02', severity: 'warning', message: expect.stringMatching(/reserved low bits/) }));
    expect(mis.code).toBe(1);
    const { bytes } = igb();
    bytes[bytes[0x34]!] = 0xff;
    expect(ids(findings(dump(bytes)).findings, 'error')).toContain('CFG-CAP-02');
  });

  it('CHK-SRIOV-01: InitialVFs above TotalVFs, InitialVFs ≠ TotalVFs without VF Migration, TotalVFs 0', () => {
    const above = findings(sriov([[0x0c, 2, 9]]));
    expect(above.code).toBe(1);
    expect(above.findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-01', severity: 'error', message: 'InitialVFs 9 exceeds TotalVFs 8 (Linux sriov_init: -EIO)' }));
    expect(above.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-LINUX-01', severity: 'warning', message: expect.stringContaining('linux.initialvfs') }));
    const below = findings(sriov([[0x0c, 2, 4]]));
    expect(below.findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-01', severity: 'error', message: expect.stringMatching(/InitialVFs 4 differs from TotalVFs 8 without VF Migration/) }));
    // with VF Migration Capable, InitialVFs < TotalVFs is allowed
    expect(ids(findings(sriov([[0x0c, 2, 4], [0x04, 4, 1]])).findings)).not.toContain('CHK-SRIOV-01');
    const zero = findings(sriov([[0x0c, 2, 0], [0x0e, 2, 0]]));
    expect(zero.code).toBe(1);
    expect(zero.findings).toEqual([expect.objectContaining({ id: 'CHK-SRIOV-01', severity: 'warning', message: expect.stringMatching(/TotalVFs is 0: not a usable PF/) })]);
  });

  it('CHK-SRIOV-02: VF Stride 0 with TotalVFs 8, and First VF Offset 0', () => {
    const stride = findings(sriov([[0x16, 2, 0]]));
    expect(stride.code).toBe(1);
    expect(stride.findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-02', severity: 'error', message: expect.stringMatching(/VF Stride is 0 with TotalVFs 8/) }));
    expect(stride.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-LINUX-01', message: expect.stringContaining('linux.offset-stride') }));
    const offset = findings(sriov([[0x14, 2, 0]]));
    expect(offset.findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-02', severity: 'error', message: expect.stringMatching(/First VF Offset is 0/) }));
    // stride 0 is fine with a single VF
    expect(ids(findings(sriov([[0x16, 2, 0], [0x0c, 2, 1], [0x0e, 2, 1]])).findings)).not.toContain('CHK-SRIOV-02');
  });

  it('CHK-SRIOV-03: System Page Size 0x3, 0, or unsupported; Supported Page Sizes without 4K or the required sizes', () => {
    const several = findings(sriov([[0x20, 4, 0x3]]));
    expect(several.code).toBe(1);
    expect(several.findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-03', severity: 'error', message: expect.stringMatching(/System Page Size 0x00000003 sets several page sizes \(4K, 8K\)/) }));
    expect(findings(sriov([[0x20, 4, 0]])).findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-03', severity: 'error', message: expect.stringMatching(/System Page Size is 0/) }));
    expect(findings(sriov([[0x20, 4, 0x4]])).findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-03', severity: 'error', message: expect.stringMatching(/\(16K\) is not in Supported Page Sizes/) }));
    const onlyFourK = findings(sriov([[0x1c, 4, 0x1]]));
    expect(onlyFourK.code).toBe(1);
    expect(onlyFourK.findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-03', severity: 'warning', message: expect.stringMatching(/lacks 8K, 64K, 256K, 1M, 4M/) }));
    expect(findings(sriov([[0x1c, 4, 0x552], [0x20, 4, 0x2]])).findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-03', severity: 'error', message: expect.stringMatching(/lacks 4K \(bit 0\)/) }));
  });

  it('CHK-SRIOV-04: an I/O VF BAR, a reserved memory type, a 64-bit VF BAR5', () => {
    const io = findings(sriov([[0x24, 4, 0xfe90_0001]]));
    expect(io.code).toBe(1);
    expect(io.findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-04', severity: 'error', message: 'VF BAR0 0xfe900001 is an I/O BAR: VF BARs are memory BARs only' }));
    expect(findings(sriov([[0x24, 4, 0xfe90_0002]])).findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-04', message: expect.stringMatching(/reserved memory type 1/) }));
    expect(findings(sriov([[0x38, 4, 0x4]])).findings).toContainEqual(expect.objectContaining({ id: 'CHK-SRIOV-04', message: expect.stringMatching(/VF BAR5 .* no VF BAR6 for its upper half/) }));
  });

  it('SRIOV-BAR-03: a programmed VF BAR not aligned to the System Page Size', () => {
    const r = findings(sriov([[0x24, 4, 0xfe90_0804]]));
    expect(r.code).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-BAR-03', severity: 'warning', message: 'VF BAR0 base 0xfe900800 is not aligned to the System Page Size 0x1000' }));
    // with 64K pages, 0xfe920000 is aligned but 0xfe910000 … also; 0xfe904000 is not
    expect(findings(sriov([[0x20, 4, 0x10], [0x24, 4, 0xfe90_4004]])).findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-BAR-03', message: expect.stringMatching(/0xfe904000 .* 0x10000/) }));
  });

  it('SRIOV-POL-02: NumVFs above TotalVFs', () => {
    const r = findings(sriov([[0x10, 2, 9]]));
    expect(r.code).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-POL-02', severity: 'warning', message: expect.stringMatching(/NumVFs 9 exceeds TotalVFs 8/) }));
  });

  it('SRIOV-RID-01: VF Routing IDs overflowing 0xFFFF are errors', () => {
    const r = findings(sriov([[0x14, 2, 0xfff0]]));
    expect(r.code).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-RID-01', severity: 'error', message: expect.stringMatching(/^VF 1\.\.8 of TotalVFs 8 overflow the 16-bit Routing ID space/) }));
    // on bus ff, only the last VFs overflow
    const high = findings(sriov([[0x14, 2, 0xfa]], { address: { domain: 0, bus: 0xff, device: 0, function: 0 } }));
    expect(high.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-RID-01', severity: 'error', message: expect.stringMatching(/^VF 4\.\.8 of TotalVFs 8 overflow/) }));
  });

  it('SRIOV-RID-01 SRIOV-LINUX-01: VFs on the next bus (82576 without ARI, First VF Offset 0x180) need the subordinate bus of the bridge, and Linux refuses with the bus range at the PF bus', () => {
    const r = findings(dump(igb(false).bytes));
    expect(r.code).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-RID-01', severity: 'note', message: expect.stringMatching(/\(02:10\.0 \.\. 02:11\.6\) reach bus 02 above the PF's bus 01: needs the bridge's subordinate bus >= 02/) }));
    expect(r.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-LINUX-01', severity: 'warning', message: expect.stringMatching(/would fail with -ENOMEM: linux\.bus-range: can't enable 8 VFs \(bus 02 out of range of \[bus 01\]\)/) }));
    expect(ids(r.findings)).not.toContain('SRIOV-RID-02');
  });

  it('SRIOV-RID-02: VFs at function numbers > 7 on the PF bus without ARI Capable Hierarchy are reachable only with ARI forwarding', () => {
    const r = findings(sriov([[0x14, 2, 0x80]], { ari: false }));
    expect(r.code).toBe(1);
    expect(r.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-RID-02', severity: 'warning', message: expect.stringMatching(/^8 of the VFs of TotalVFs 8 \(from 01:10\.0\) .* reachable only with ARI forwarding/) }));
    // NumVFs, when set, is what is checked; VFs 1..7 at 01:00.1-7 are device 0
    expect(ids(findings(sriov([[0x14, 2, 1], [0x16, 2, 1], [0x10, 2, 7]], { ari: false })).findings)).not.toContain('SRIOV-RID-02');
  });

  it('CHK-HDR-01: Vendor ID 0x0000 (error), 0xFFFF (note), all ones (note), Header Type layout 3 (error) and 2 (note)', () => {
    expect(findings(corrupted([[0, 2, 0]]))).toMatchObject({ code: 1, findings: expect.arrayContaining([expect.objectContaining({ id: 'CHK-HDR-01', severity: 'error', message: expect.stringMatching(/Vendor ID 0x0000/) })]) });
    const vf = findings(corrupted([[0, 4, 0xffff_ffff]]));
    expect(vf.code).toBe(0);
    expect(vf.findings).toContainEqual(expect.objectContaining({ id: 'CHK-HDR-01', severity: 'note', message: expect.stringMatching(/0xffff: valid only for a VF/) }));
    const missing = findings(dump(new Uint8Array(4096).fill(0xff)));
    expect(missing).toEqual({ code: 0, findings: [expect.objectContaining({ id: 'CHK-HDR-01', severity: 'note', message: expect.stringMatching(/no function answered/) })] });
    expect(findings(corrupted([[0x0e, 1, 0x03]])).findings).toEqual([expect.objectContaining({ id: 'CHK-HDR-01', severity: 'error', message: expect.stringMatching(/layout 0x03 is reserved/) })]);
    const cardbus = findings(corrupted([[0x0e, 1, 0x82]]));
    expect(cardbus.code).toBe(0);
    expect(cardbus.findings).toEqual([expect.objectContaining({ id: 'CHK-HDR-01', severity: 'note', message: expect.stringMatching(/CardBus/) })]);
  });

  it('CHK-HDR-02: Capabilities List set with a zero pointer (error), a pointer with the bit clear (warning)', () => {
    const zero = findings(corrupted([[0x34, 1, 0]]));
    expect(zero.code).toBe(1);
    expect(zero.findings).toContainEqual(expect.objectContaining({ id: 'CHK-HDR-02', severity: 'error', message: 'Status.Capabilities List is set but the Capabilities Pointer is 0' }));
    const { bytes } = igb();
    bytes[0x06]! &= ~0x10;
    const clear = findings(dump(bytes));
    expect(clear.findings).toContainEqual(expect.objectContaining({ id: 'CHK-HDR-02', severity: 'warning', message: expect.stringMatching(/Status\.Capabilities List is clear/) }));
  });

  it('CHK-HDR-03: Interrupt Pin 5 (error), non-zero reserved header bytes (note)', () => {
    expect(findings(corrupted([[0x3d, 1, 5]]))).toMatchObject({ code: 1, findings: expect.arrayContaining([expect.objectContaining({ id: 'CHK-HDR-03', severity: 'error', message: expect.stringMatching(/Interrupt Pin 5/) })]) });
    const rsvd = findings(corrupted([[0x36, 1, 0x5a], [0x3b, 1, 1]]));
    expect(rsvd.code).toBe(0);
    expect(rsvd.findings).toContainEqual(expect.objectContaining({ id: 'CHK-HDR-03', severity: 'note', message: 'reserved header bytes 0x35..0x3b (RsvdP) are not zero: 0x36 = 0x5a, 0x3b = 0x01' }));
  });

  it('CHK-CAP-01: extended capabilities without a PCI Express capability, and a version 1 PCIe capability (notes)', () => {
    const { bytes } = igb();
    const pcie = walkCapabilities(bytes).entries.find((e) => e.id === 0x10)!.offset;
    const v1 = bytes.slice();
    v1[pcie + 2] = (v1[pcie + 2]! & 0xf0) | 1;
    const r1 = findings(dump(v1));
    expect(r1.code).toBe(0);
    expect(r1.findings).toContainEqual(expect.objectContaining({ id: 'CHK-CAP-01', severity: 'note', message: expect.stringMatching(/version 1/) }));
    const noPcie = bytes.slice();
    noPcie[pcie] = 0x09;
    const r2 = findings(dump(noPcie));
    expect(r2.findings).toContainEqual(expect.objectContaining({ id: 'CHK-CAP-01', severity: 'note', message: expect.stringMatching(/extended capabilities at 0x100 \(.*0x0010@.*\) but no PCI Express capability/) }));
    expect(r2.findings).toContainEqual(expect.objectContaining({ id: 'SRIOV-LINUX-01', severity: 'note', message: expect.stringMatching(/no Linux verdict/) }));
  });
});

describe('iovsim check: the command', () => {
  it('CHK-CLI-01: --json prints one object per dump file: {file, functions: [{address, findings: [{id, severity, message, spec}]}]}', () => {
    const bad = sriov([[0x0c, 2, 9]]);
    const both = `${bad}${dump(endpoint(), { domain: 0, bus: 2, device: 0, function: 0 })}`;
    const r = run(['check', '--json', 'igb.txt', 'two.txt'], { 'igb.txt': dump(igb().bytes), 'two.txt': both });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as FileJson[];
    expect(j.map((f) => f.file)).toEqual(['igb.txt', 'two.txt']);
    expect(j.map((f) => f.functions.map((x) => x.address))).toEqual([['01:00.0'], ['01:00.0', '02:00.0']]);
    for (const f of j) {
      expect(Object.keys(f)).toEqual(['file', 'functions']);
      for (const fn of f.functions) {
        expect(Object.keys(fn)).toEqual(['address', 'findings']);
        for (const x of fn.findings) {
          expect(Object.keys(x)).toEqual(['id', 'severity', 'message', 'spec']);
          expect(['error', 'warning', 'note']).toContain(x.severity);
        }
      }
    }
    expect(j[1]!.functions[0]!.findings[0]).toEqual({ id: 'CHK-SRIOV-01', severity: 'error', message: 'InitialVFs 9 exceeds TotalVFs 8 (Linux sriov_init: -EIO)', spec: 'PCIe Base r6.0 §9.3.3.5, §9.3.3.6; Linux v6.18 drivers/pci/iov.c sriov_init' });
    expect(j[1]!.functions[1]!.findings).toEqual([]);
  });

  it('CHK-CLI-01: text output names file, function, severity, ID, spec and message, then the summary', () => {
    const r = run(['check', 'bad.txt'], { 'bad.txt': sriov([[0x0c, 2, 9], [0x16, 2, 0]]) });
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('bad.txt');
    expect(lines[1]).toBe('  01:00.0 Ethernet controller: igb');
    expect(lines[2]).toBe('    error   CHK-SRIOV-01   [PCIe Base r6.0 §9.3.3.5, §9.3.3.6; Linux v6.18 drivers/pci/iov.c sriov_init] InitialVFs 9 exceeds TotalVFs 8 (Linux sriov_init: -EIO)');
    expect(r.out).toMatch(/\n1 function, 2 errors, 1 warning, 0 notes\n$/);
  });

  it('CHK-CLI-01: --junit writes valid JUnit XML: one testsuite per file, one testcase per function and requirement, failures for errors and warnings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iovsim-check-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'report.xml');
    const weird = 'a&b<c>"d\'.txt';
    const r = run(['check', '--junit', file, 'igb.txt', weird], { 'igb.txt': dump(igb().bytes), [weird]: `${sriov([[0x0c, 2, 9], [0x16, 2, 0]])}${dump(endpoint(), { domain: 0, bus: 2, device: 0, function: 0 })}` });
    expect(r.code).toBe(1);
    const xml = readFileSync(file, 'utf8');
    const root = parseXml(xml);
    checkJunit(root);
    expect(root.attrs['name']).toBe('iovsim check');
    expect(root.children.map((s) => s.attrs['name'])).toEqual(['igb.txt', weird]);
    const [good, bad] = root.children as [XmlNode, XmlNode];
    expect(good.attrs['failures']).toBe('0');
    const linux = good.children.find((c) => c.attrs['name']!.startsWith(`${'SRIOV-LINUX-01'}: `))!;
    expect(linux.attrs['classname']).toBe('01:00.0');
    expect(linux.children.map((x) => x.name)).toEqual(['system-out']);
    expect(linux.children[0]!.text).toMatch(/^note SRIOV-LINUX-01 \[Linux v6\.18 drivers\/pci\/iov\.c\]: Linux sriov_enable\(8\)/);
    const failing = bad.children.filter((c) => c.children.some((x) => x.name === 'failure')).map((c) => c.attrs['name']!.split(':')[0]);
    expect(failing).toEqual(['CHK-SRIOV-01', 'CHK-SRIOV-02', 'SRIOV-LINUX-01']);
    const f1 = bad.children.find((c) => c.attrs['name']!.startsWith('CHK-SRIOV-01'))!.children[0]!;
    expect(f1.attrs).toEqual({ message: 'InitialVFs 9 exceeds TotalVFs 8 (Linux sriov_init: -EIO)', type: 'error' });
    expect(bad.children.filter((c) => c.attrs['classname'] === '02:00.0').length).toBeGreaterThanOrEqual(5);
    expect(() => parseXml(xml.replace('</testsuite>', ''))).toThrow(/closes/);
    expect(() => parseXml(xml.replace('&amp;', '&'))).toThrow(/unescaped '&'/);
    const lint = spawnSync('xmllint', ['--version']);
    if (lint.error !== undefined || lint.status !== 0) {
      console.warn('xmllint is not on PATH: skipping the xmllint --noout check of the JUnit output');
    } else {
      const res = spawnSync('xmllint', ['--noout', file], { encoding: 'utf8' });
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
    }
  });

  it('CHK-CLI-01: exit 2 with the message on stderr for malformed dumps, unreadable files and usage errors', () => {
    const good = dump(igb().bytes);
    const malformed = run(['check', 'good', 'bad'], { good, bad: good.replace(/^30: (.*) 00$/m, '30: $1') });
    expect(malformed.code).toBe(2);
    expect(malformed.out).toBe('');
    expect(malformed.err).toMatch(/^iovsim check: bad: line 5: .*\[lspci\.short-line\]\n$/);
    const missing = run(['check', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read nope/);
    expect(run(['check', '--junit', '/nonexistent-dir/x.xml', 'good'], { good }).code).toBe(2);
    expect(run(['check']).code).toBe(2);
    expect(run(['check']).err).toMatch(/one or more dump files/);
    expect(run(['check', '--bogus', 'good'], { good }).code).toBe(2);
  });

  it('CHK-CLI-01: --help, help check, and the command listing', () => {
    const h = run(['check', '--help']);
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/^Usage: iovsim check <lspci-dump\|->\.\.\. \[--json\] \[--junit FILE\]/);
    expect(run(['help', 'check']).out).toBe(h.out);
    expect(run(['help']).out).toMatch(/^ {2}check <dump>… +conformance of real devices from lspci dumps/m);
  });

  it('CHK-CLI-01: any corruption of a PF header and SR-IOV capability is checked without throwing, each finding under a checked, catalogued requirement', () => {
    const { bytes, cap } = igb();
    const known = new Set(REQUIREMENTS.map((r) => r.id));
    const offsets = fc.oneof(fc.integer({ min: 0, max: 0x3f }), fc.integer({ min: cap, max: cap + 0x3f }), fc.integer({ min: 0x40, max: 0xff }), fc.integer({ min: 0x100, max: 0x10f }));
    fc.assert(
      fc.property(fc.array(fc.tuple(offsets, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 255 }), (pokes, bus) => {
        const b = bytes.slice();
        for (const [o, v] of pokes) b[o] = v;
        const [fn] = checkFunctions(parseLspciDump(dump(b, { domain: 0, bus, device: 0, function: 0 })));
        for (const f of fn!.findings) {
          expect(known.has(f.id), f.id).toBe(true);
          expect(fn!.checked).toContain(f.id);
        }
      }),
      { numRuns: 150 },
    );
    expect(readLE(bytes, cap, 2)).toBe(0x10);
  });
});
