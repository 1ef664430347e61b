/**
 * Architecture rules for iovsim (run with `npm run depcheck`).
 *
 * src/ is two one-way stacks plus the layers that sit on top of them:
 *
 *   register stack (knows nothing of time):  bits -> regs -> config -> sriov
 *   time stack     (knows nothing of PCIe):  bits -> sim  -> link   -> devices
 *   nic          the only place where the two stacks meet
 *   formats      may use both stacks and nic; never conformance or cli
 *   conformance  may use everything except cli
 *   cli          may use everything
 *   index.ts     the core entry point: anything except cli and conformance
 *
 * "a -> b" means b may import a, never the other way round.  Each layer rule
 * below is an allow-list ("may import only ..."): every import of one of our
 * own modules outside that list is a violation.  Imports that cross between
 * the two stacks are reported by the two dedicated cross-stack rules instead,
 * so that every violation is reported exactly once under the clearest name.
 *
 * Resolution of ESM `.js` specifiers to `.ts` sources: dependency-cruiser 17
 * retries an unresolvable `./x.js` as `./x.ts` / `./x.tsx` / `./x.d.ts` when
 * tsConfig is set (enhanced-resolve's `extensionAlias` is not a supported
 * option in its config schema).  The `not-to-unresolvable` rule makes sure a
 * broken resolution can never silently hide an edge.
 */

/** Directories that make up the layers; anything else under src/ is flagged. */
const LAYERS = ['bits', 'regs', 'config', 'sriov', 'sim', 'link', 'devices', 'nic', 'formats', 'conformance', 'cli'];

/** `^src/(a|b|c)/` for the given layer names. */
const dirs = (...names) => `^src/(${names.join('|')})/`;

const REGISTER_STACK = ['bits', 'regs', 'config', 'sriov'];
const PCIE_LAYERS = ['regs', 'config', 'sriov'];
const TIME_LAYERS = ['sim', 'link', 'devices'];

/** Every kind of dependency that points into an npm package. */
const NPM = ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'];

/**
 * An allow-list rule for one layer: modules in `src/<layer>/` may import only
 * modules in the listed layers (plus their own layer).  Cross-stack imports
 * are left to the cross-stack rules (`crossStack`).
 */
function layer(name, allowed, comment, crossStack = []) {
  return {
    name: `${name}-layer`,
    severity: 'error',
    comment,
    from: { path: dirs(name) },
    to: {
      path: '^src/',
      pathNot: [dirs(name, ...allowed), ...(crossStack.length ? [dirs(...crossStack)] : [])],
    },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    /* ---------------------------------------------------------------- *
     * The two stacks never meet below nic.                             *
     * ---------------------------------------------------------------- */
    {
      name: 'register-stack-knows-no-time',
      severity: 'error',
      comment:
        'The register stack (bits, regs, config, sriov) models PCIe config space and knows nothing of ' +
        'time: it must never import sim, link, devices or nic. Glue between a register model and a ' +
        'clocked device belongs in src/nic.',
      from: { path: dirs(...REGISTER_STACK) },
      to: { path: dirs(...TIME_LAYERS, 'nic') },
    },
    {
      name: 'time-stack-knows-no-pcie',
      severity: 'error',
      comment:
        'The time stack (sim, link, devices) knows nothing of PCIe: it must never import regs, config, ' +
        'sriov or nic (bits is shared and allowed). Glue between a clocked device and its registers ' +
        'belongs in src/nic.',
      from: { path: dirs(...TIME_LAYERS) },
      to: { path: dirs(...PCIE_LAYERS, 'nic') },
    },

    /* ---------------------------------------------------------------- *
     * One rule per layer: what it may import of ours.                  *
     * ---------------------------------------------------------------- */
    layer(
      'bits',
      [],
      'src/bits is the bottom of both stacks: it imports nothing of ours (only other src/bits modules).',
      [...TIME_LAYERS, 'nic'],
    ),
    layer(
      'regs',
      ['bits'],
      'src/regs (the register engine) may import only src/bits. config, sriov and everything above ' +
        'build on regs, never the other way round.',
      [...TIME_LAYERS, 'nic'],
    ),
    layer(
      'config',
      ['bits', 'regs'],
      'src/config (config-space headers and capabilities) may import only src/bits and src/regs; ' +
        'sriov and everything above build on it.',
      [...TIME_LAYERS, 'nic'],
    ),
    layer(
      'sriov',
      ['bits', 'regs', 'config'],
      'src/sriov is the top of the register stack: it may import only src/bits, src/regs and src/config.',
      [...TIME_LAYERS, 'nic'],
    ),
    layer(
      'sim',
      ['bits'],
      'src/sim (the clock/event kernel) is the bottom of the time stack: it may import only src/bits.',
      [...PCIE_LAYERS, 'nic'],
    ),
    layer(
      'link',
      ['bits', 'sim'],
      'src/link may import only src/sim and src/bits; devices and everything above build on it.',
      [...PCIE_LAYERS, 'nic'],
    ),
    layer(
      'devices',
      ['bits', 'sim', 'link'],
      'src/devices is the top of the time stack: it may import only src/link, src/sim and src/bits.',
      [...PCIE_LAYERS, 'nic'],
    ),
    layer(
      'nic',
      [...REGISTER_STACK, ...TIME_LAYERS],
      'src/nic is the only place where the register stack and the time stack meet: it may import ' +
        'bits, regs, config, sriov, sim, link and devices, but not formats, conformance, cli or the ' +
        'src/index.ts entry point.',
    ),
    layer(
      'formats',
      [...REGISTER_STACK, ...TIME_LAYERS, 'nic'],
      'src/formats (file formats: dumps, captures, traces) may import both stacks and nic, but never ' +
        'conformance, cli or the src/index.ts entry point.',
    ),
    {
      name: 'conformance-not-to-cli',
      severity: 'error',
      comment: 'src/conformance may import everything of ours except src/cli.',
      from: { path: dirs('conformance') },
      to: { path: dirs('cli') },
    },
    {
      name: 'index-not-to-cli-or-conformance',
      severity: 'error',
      comment:
        'src/index.ts is the core entry point ("iovsim"): it may re-export anything except src/cli ' +
        '(the command line) and src/conformance (the separate "iovsim/conformance" entry, which ' +
        'pulls in fast-check).',
      from: { path: '^src/index[.]ts$' },
      to: { path: dirs('cli', 'conformance') },
    },
    {
      name: 'no-unknown-layer',
      severity: 'error',
      comment:
        'Every module in src/ must live in one of the known layer directories (' +
        LAYERS.join(', ') +
        ') or be src/index.ts. To add a layer, give it a place in the architecture in ' +
        '.dependency-cruiser.cjs first.',
      from: { path: '^src/', pathNot: [dirs(...LAYERS), '^src/index[.]ts$'] },
      to: {},
    },
    {
      name: 'src-not-outside-src',
      severity: 'error',
      comment:
        'Library code must not import tests, benchmarks, docs or any other file outside src/ ' +
        '(npm packages and node builtins are governed by the rules below).',
      from: { path: '^src/' },
      to: { pathNot: ['^src/', '(^|/)node_modules/'], dependencyTypesNot: ['core'], couldNotResolve: false },
    },

    /* ---------------------------------------------------------------- *
     * Cycles and resolution.                                           *
     * ---------------------------------------------------------------- */
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'This import is part of a circular dependency (type-only imports count too). Break the cycle, ' +
        'e.g. by moving the shared piece one layer down or by importing a module directly instead of ' +
        "its layer's index.ts.",
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'This import cannot be resolved to a file. A relative import must use the `.js` extension of ' +
        'an existing `.ts` file (NodeNext ESM); an npm package must be installed and declared in ' +
        'package.json.',
      from: {},
      to: { couldNotResolve: true },
    },

    /* ---------------------------------------------------------------- *
     * External dependencies.                                           *
     * ---------------------------------------------------------------- */
    {
      name: 'core-has-no-npm-dependencies',
      severity: 'error',
      comment:
        'The core library has zero runtime dependencies: nothing in src/ except src/cli and ' +
        'src/conformance may import an npm package (type-only imports included, since they leak into ' +
        'the published .d.ts files).',
      from: { path: '^src/', pathNot: dirs('cli', 'conformance') },
      to: { dependencyTypes: NPM },
    },
    {
      name: 'conformance-only-fast-check',
      severity: 'error',
      comment:
        'src/conformance may import exactly one npm package: fast-check (an optional peer dependency ' +
        'of the "iovsim/conformance" entry).',
      from: { path: dirs('conformance') },
      to: { dependencyTypes: NPM, pathNot: '(^|/)node_modules/fast-check/' },
    },
    {
      name: 'cli-only-ts-pattern',
      severity: 'error',
      comment: 'src/cli may import exactly one npm package: ts-pattern (plus node builtins).',
      from: { path: dirs('cli') },
      to: { dependencyTypes: NPM, pathNot: '(^|/)node_modules/ts-pattern/' },
    },
    {
      name: 'node-builtins-only-at-the-edges',
      severity: 'error',
      comment:
        'Node builtins (node:fs, node:path, ...) may be imported only by src/cli, src/formats and ' +
        'src/conformance. The core must run anywhere (browsers included), so it does no I/O of its own.',
      from: { path: '^src/', pathNot: dirs('cli', 'formats', 'conformance') },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    // The sources are ESM; cjs is kept so that a stray require() is still seen and checked.
    moduleSystems: ['es6', 'cjs'],
    doNotFollow: { path: '(^|/)node_modules/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports (`import type`) are architecture too: count them.
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      archi: {
        collapsePattern: '^src/[^/]+|node_modules/(?:@[^/]+/[^/]+|[^/]+)',
      },
    },
  },
};
