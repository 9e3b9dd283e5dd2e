// Tests of the local-directory model store: versions and pointer, pruning, and atomic swaps (an
// injected failing fs step, and a child process SIGKILLed between write and rename, keep the old model).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/index.ts';
import { generateSyntheticBars } from '../../src/data/synthetic.ts';
import { ModelError } from '../../src/domain/errors.ts';
import { regimeModelToJson, trainRegimeModel, type RegimeModel } from '../../src/regime/index.ts';
import { LocalModelStore, NODE_STORE_FS, type StoreFs } from '../../src/state/localModelStore.ts';
import { useTempDir } from '../support/tmp.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const tmp = useTempDir('txbot-store-');
const config = validateConfig({ hmm: { restarts: 1, n_iter: 10 } }, 'test config');
const modelA: RegimeModel = trainRegimeModel(generateSyntheticBars({ seed: 3, days: 12 }).series, config).model;
const modelB: RegimeModel = trainRegimeModel(generateSyntheticBars({ seed: 4, days: 12 }).series, config).model;
let n = 0;
const freshDir = () => join(tmp.dir, `store-${++n}`);

describe('LocalModelStore', () => {
  it('has no current model until the first commit, then points at the newest version', async () => {
    const store = await LocalModelStore.open(freshDir());
    expect(await store.current()).toBeNull();
    const v1 = await store.commit(modelA, { tsMs: 10, reason: 'initial' });
    const v2 = await store.commit(modelB, { tsMs: 20, reason: 'retrained' });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    const cur = (await store.current())!;
    expect(cur.version).toBe(2);
    expect(cur.swappedAtMs).toBe(20);
    expect(cur.reason).toBe('retrained');
    expect(regimeModelToJson(cur.model)).toBe(regimeModelToJson(modelB));
    expect((await store.versions()).map((v) => v.version)).toEqual([1, 2]);
  });

  it('keeps the current model and the previous `keep` versions, deleting older ones', async () => {
    const store = await LocalModelStore.open(freshDir(), { keep: 2 });
    for (let i = 0; i < 5; i++) await store.commit(i % 2 ? modelB : modelA, { tsMs: i, reason: `r${i}` });
    expect((await store.versions()).map((v) => v.version)).toEqual([3, 4, 5]);
    expect((await store.current())!.version).toBe(5);
  });

  it.each([
    ['the pointer rename', (p: string) => p.endsWith('current.json')],
    ['the version file rename', (p: string) => /model-\d+\.json$/.test(p)],
  ])('a failing %s rejects the commit and leaves the old model current and loadable', async (_name, failsOn) => {
    const dir = freshDir();
    const ok = await LocalModelStore.open(dir);
    await ok.commit(modelA, { tsMs: 1, reason: 'initial' });
    const failing: StoreFs = {
      ...NODE_STORE_FS,
      rename: async (from, to) =>
        failsOn(to) ? Promise.reject(Object.assign(new Error('EIO: injected'), { code: 'EIO' })) : NODE_STORE_FS.rename(from, to),
    };
    const broken = await LocalModelStore.open(dir, { fs: failing });
    await expect(broken.commit(modelB, { tsMs: 2, reason: 'retrained' })).rejects.toThrow(/injected/);
    const reopened = await LocalModelStore.open(dir);
    const cur = (await reopened.current())!;
    expect(cur.version).toBe(1);
    expect(regimeModelToJson(cur.model)).toBe(regimeModelToJson(modelA));
    expect(readdirSync(dir).some((f) => f.startsWith('.tmp-'))).toBe(false);
  });

  it('reports a damaged pointer as a ModelError naming the file', async () => {
    const dir = freshDir();
    const store = await LocalModelStore.open(dir);
    writeFileSync(join(dir, 'current.json'), '{"version": "x"}');
    const e = await store.current().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModelError);
    expect((e as ModelError).code).toBe('MODEL_STORE_INVALID');
    expect((e as ModelError).message).toContain(join(dir, 'current.json'));
  });
});

describe('LocalModelStore crash safety (child process SIGKILLed between write and rename)', () => {
  const crash = (dir: string, modelFile: string, stopAt: 'version' | 'pointer'): Promise<string> =>
    new Promise((done, fail) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'localModelStoreCrashChild.ts'), dir, modelFile, stopAt], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('PAUSED')) child.kill('SIGKILL');
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', fail);
      child.on('exit', (_code, signal) =>
        signal === 'SIGKILL' ? done(stdout) : fail(new Error(`child ended without pausing: ${stdout} ${stderr}`)),
      );
    });

  it.each(['version', 'pointer'] as const)(
    'killed before the %s rename, the store still opens on the old model',
    async (stopAt) => {
      const dir = freshDir();
      const store = await LocalModelStore.open(dir);
      await store.commit(modelA, { tsMs: 1, reason: 'initial' });
      const modelFile = tmp.file(`b-${stopAt}.json`, regimeModelToJson(modelB));
      const out = await crash(dir, modelFile, stopAt);
      expect(out).toContain('PAUSED');
      expect(out).not.toContain('COMMITTED');
      expect(readdirSync(dir).some((f) => f.startsWith('.tmp-'))).toBe(true);
      const reopened = await LocalModelStore.open(dir);
      const cur = (await reopened.current())!;
      expect(cur.version).toBe(1);
      expect(regimeModelToJson(cur.model)).toBe(regimeModelToJson(modelA));
      expect(readdirSync(dir).some((f) => f.startsWith('.tmp-'))).toBe(false);
      expect(existsSync(join(dir, 'model-000002.json'))).toBe(stopAt === 'pointer');
      const next = await reopened.commit(modelB, { tsMs: 3, reason: 'after crash' });
      expect((await reopened.current())!.version).toBe(next.version);
    },
    30_000,
  );
});
