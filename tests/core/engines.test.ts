import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

// semver 6 ships no types; only these two calls are used.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string, options?: { includePrerelease?: boolean }): boolean;
  minVersion(range: string): { version: string } | null;
};

const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

/** The oldest release of each Node line the project claims: `^20.19.0 || ^22.13.0 || >=24` gives 20.19.0, 22.13.0, 24.0.0. */
function oldestOfEachLine(range: string): string[] {
  return range.split('||').map((branch) => {
    const min = semver.minVersion(branch.trim());
    if (!min) throw new Error(`package.json engines.node branch "${branch}" has no minimum version`);
    return min.version;
  });
}

/**
 * `npm install` warns (EBADENGINE) when a package's declared Node range excludes the running Node.
 * The project's own range must stay inside every dependency's, or some Node it claims gets warnings
 * (as @neo4j-cypher/language-support 2.0.0-next.38, which asks for Node >= 24.11.1, did on Node 20).
 */
describe('declared Node engines', () => {
  const probes = [...oldestOfEachLine(pkg.engines.node), process.versions.node];

  it('the Node running the tests is one the project claims', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
  });

  it("every locked package accepts the oldest Node of each line in package.json's range", () => {
    const conflicts: string[] = [];
    for (const [where, entry] of Object.entries(lock.packages)) {
      const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!where || !range) continue;
      const refused = probes.filter((v) => !semver.satisfies(v, range, { includePrerelease: true }));
      if (refused.length) conflicts.push(`${where}@${entry.version} wants node ${range}, refuses ${refused.join(', ')}`);
    }
    expect(conflicts).toEqual([]);
  });

  it('the README states the same supported versions as package.json', () => {
    expect(readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')).toContain(`\`${pkg.engines.node}\``);
  });
});
