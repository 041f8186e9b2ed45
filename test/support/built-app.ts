import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
export const BUILD_DIR_ENV = 'AVVIKELSER_TEST_BUILD';

/** Compiles src/ once per test run into its own folder, so tests can start the real process. */
export function buildForTests(runPrefix: string): string {
  const out = join(ROOT, '.test-build', runPrefix);
  mkdirSync(out, { recursive: true });
  execFileSync(join(ROOT, 'node_modules', '.bin', 'swc'), ['src', '-d', out, '--strip-leading-paths', '--config-file', '.swcrc', '--quiet'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  // swc compiles only code; data files read at run time (the thesaurus, the letters' word list) are copied as nest build does.
  for (const asset of ['modules/barrier/engine/thesaurus.sv.txt', 'modules/letter/special-category.sv.txt', 'modules/demo/demo-reports.jsonl']) {
    if (existsSync(join(ROOT, 'src', asset))) copyFileSync(join(ROOT, 'src', asset), join(out, asset));
  }
  return out;
}

export function builtEntry(file: 'main.js' | 'cli/cli.js' | 'cli/eval.js'): string {
  const dir = process.env[BUILD_DIR_ENV];
  if (!dir || !existsSync(join(dir, file))) throw new Error('Testbygget saknas: kör testerna med npm test.');
  return join(dir, file);
}

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the URL once the app logs that it is up. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node dist/main.js` with exactly the given environment (nothing inherited but PATH/HOME). */
export function spawnApp(env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [builtEntry('main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const ready = new Promise<string>((resolveReady, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /igång på (http:\/\/\S+)/.exec(output);
      if (match) resolveReady(match[1].replace('0.0.0.0', '127.0.0.1'));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`Appen avslutades (kod ${code}):\n${output}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    output: () => output,
    ready,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
