import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const configFile = `${root}.dependency-cruiser.cjs`;
const tsConfigFile = `${root}tsconfig.json`;
const badFixture = fileURLToPath(new URL('../../fixtures/bad-domain/', import.meta.url));

/** Cruises `src` under baseDir with the repo's rules, so rule paths (`^src/domain/`) apply to fixtures too. */
async function violations(baseDir: string): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(configFile);
  const { output } = await cruise(
    ['src'],
    { ...options, baseDir, tsConfig: { fileName: tsConfigFile } },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  return (output as ICruiseResult).summary.violations;
}

const describeViolation = (v: IViolation): string =>
  `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle: ${v.cycle.map((c) => c.name).join(' -> ')})` : ''}`;

describe('dependency rules (architecture/layers.md)', () => {
  it('src has no violations', async () => {
    const found = (await violations(root)).map(describeViolation);
    expect(found, `dependency rule violations:\n${found.join('\n')}`).toEqual([]);
  });

  it('the rules catch a builtin in the domain, an adapter import, DI outside composition and a cycle', async () => {
    const found = (await violations(badFixture)).map(describeViolation);
    expect(found.sort()).toEqual([
      'core-does-not-import-adapters: src/domain/bad.ts -> src/adapters/thing.ts',
      expect.stringMatching(
        /^di-only-in-composition-root: src\/adapters\/mcp\/uses-di\.ts -> .*node_modules\/inversify\//,
      ),
      'domain-is-pure: src/domain/bad.ts -> fs',
      // Resolved to the .ts file: NodeNext '.js' specifiers go through the tsconfig.
      'domain-is-pure: src/domain/bad.ts -> src/adapters/thing.ts',
      expect.stringMatching(/^no-circular: src\/ports\/a\.port\.ts -> src\/ports\/b\.port\.ts/),
    ]);
  });
});
