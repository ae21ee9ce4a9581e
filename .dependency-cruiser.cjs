// The layering of architecture/layers.md, enforced by test/unit/architecture/dependency-rules.unit.spec.ts.
// Paths are relative to the cruise's baseDir (the repo root).
const DI = '(^|/)node_modules/(inversify|reflect-metadata)/|^(inversify|reflect-metadata)$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports only src/domain: no node builtins, no npm packages, no other layer.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'ports-import-domain-only',
      comment: 'src/ports may import only src/domain and src/ports.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: '^src/(domain|ports)/' },
    },
    {
      name: 'application-imports-inward-only',
      comment: 'src/application may import only src/domain, src/ports and src/application.',
      severity: 'error',
      from: { path: '^src/application/' },
      to: { pathNot: '^src/(domain|ports|application)/' },
    },
    {
      name: 'di-only-in-composition-root',
      comment: 'Only src/composition knows inversify and reflect-metadata.',
      severity: 'error',
      from: { pathNot: '^src/composition/' },
      to: { path: DI },
    },
    {
      name: 'core-does-not-import-adapters',
      comment: 'domain, ports and application never depend on adapters.',
      severity: 'error',
      from: { path: '^src/(domain|ports|application)/' },
      to: { path: '^src/adapters/' },
    },
    {
      name: 'no-circular',
      comment: 'Circular imports hide layering mistakes and break initialisation order.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a type from an adapter in the domain is still a dependency on it.
    tsPreCompilationDeps: true,
    // Resolves NodeNext-style './x.js' specifiers to './x.ts'.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
