import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's own order runs project after project, so the auth run's files (among them the longest)
 * started last and the run ended on a tail of one or two workers. This order is across projects:
 * the longest files of the last run first, then the shorter ones filling in around them, and the
 * files that share a worker (isolate: false) together at the end so they can reuse it.
 * Without a last run (a fresh checkout) the layers that start processes go first.
 */
const LAYERS = ['test/fault/', 'test/e2e/', 'test/stress/', 'test/int/', 'test/contract/'];

export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const path = (spec: TestSpecification): string => relative(root, spec.moduleId);
    const lastDuration = (spec: TestSpecification): number | undefined =>
      this.ctx.cache.getFileTestResults(`${spec.project.name}:${path(spec)}`)?.duration;
    const layer = (spec: TestSpecification): number => {
      const index = LAYERS.findIndex((prefix) => path(spec).startsWith(prefix));
      return index === -1 ? LAYERS.length : index;
    };
    return [...files].sort((a, b) => {
      const shared = Number(a.project.config.isolate === false) - Number(b.project.config.isolate === false);
      if (shared !== 0) return shared;
      const [da, db] = [lastDuration(a), lastDuration(b)];
      if (da !== undefined && db !== undefined) return db - da;
      // A file not run before may be long: it goes before those with a duration.
      if (da === undefined && db !== undefined) return -1;
      if (db === undefined && da !== undefined) return 1;
      return layer(a) - layer(b);
    });
  }
}
