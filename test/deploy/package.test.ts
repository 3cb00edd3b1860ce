import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (f: string) => readFileSync(resolve(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  license: string;
};
const lock = JSON.parse(read('package-lock.json')) as {
  packages: Record<string, { version: string; dev?: boolean }>;
};

describe('the package as it installs', () => {
  it('keeps every @aws-sdk client on one release, in package.json and in the lockfile', () => {
    const declared = Object.entries(pkg.dependencies).filter(([n]) => n.startsWith('@aws-sdk/'));
    expect(declared.length).toBeGreaterThan(3);
    const versions = new Set(declared.map(([, v]) => v));
    expect([...versions]).toHaveLength(1);
    const [version] = [...versions];
    for (const [name] of declared) expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
  });

  it('puts the build and test tools in devDependencies, never in the runtime', () => {
    for (const tool of ['tsx', 'typescript', 'vitest', '@biomejs/biome', 'esbuild']) {
      expect(pkg.devDependencies[tool], tool).toBeDefined();
      expect(pkg.dependencies[tool], tool).toBeUndefined();
    }
    for (const name of Object.keys(pkg.dependencies)) expect(name.startsWith('@types/'), name).toBe(false);
  });

  it('starts compiled code without compiling, on the Node line of .nvmrc, under a licence', () => {
    expect(pkg.scripts.start).toMatch(/^node .*dist\/main\.js$/);
    expect(pkg.scripts.start).not.toMatch(/tsc|tsx|build/);
    const major = read('.nvmrc').trim();
    expect(pkg.engines.node).toBe(`>=${major}`);
    expect(read('Dockerfile')).toContain(`node:${major}.`);
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toContain('MIT License');
  });
});

describe('the image recipe', () => {
  const docker = read('Dockerfile');
  const ignore = read('.dockerignore').split('\n');

  it('builds in one stage and runs in another from a base pinned to an exact version', () => {
    expect(docker.match(/^FROM /gm)).toHaveLength(2);
    expect(docker).toMatch(/ARG NODE_IMAGE=node:\d+\.\d+\.\d+-[a-z]+-slim\n/);
    expect(docker).toContain('npm prune --omit=dev');
  });

  it('runs as a non-root user with the state on a volume, a health check on /readyz and signals to node', () => {
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).toMatch(/^VOLUME \["\/var\/lib\/trailbot"\]$/m);
    expect(docker).toContain('TRAIL_STORE_PATH=/var/lib/trailbot/trailbot.db');
    expect(docker).toMatch(/^HEALTHCHECK [^\n]*\\\n\s+CMD \["node", "-e", ".*\/readyz/m);
    expect(docker).toMatch(/^EXPOSE 3000$/m);
    expect(docker).toMatch(/^CMD \["node", .*"dist\/main\.js"\]$/m);
  });

  it('keeps tests, fixtures and benches out of the build context', () => {
    for (const entry of ['test', 'bench', 'node_modules', '.git']) expect(ignore).toContain(entry);
  });
});
