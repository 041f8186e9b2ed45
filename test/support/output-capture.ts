import { Logger } from '@nestjs/common';
import { AppLogger } from '../../src/common/logging/app-logger';
import { startTestApp, TestApp, TestAppOptions } from './test-app';

/**
 * Everything written to stdout and stderr from now on, kept out of the test output: for specs that prove some
 * text (personal data in a refused form) never reaches a log. `restore` puts the streams back.
 */
export function captureOutput(): { logged: string[]; restore(): void } {
  const logged: string[] = [];
  const writes = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
      logged.push(String(chunk));
      return true;
    }) as typeof stream.write),
  );
  return { logged, restore: () => writes.forEach((spy) => spy.mockRestore()) };
}

/**
 * A test app whose whole output (the real AppLogger, at debug level) is captured from before it starts,
 * checked to reach the capture (Nest's Logger goes through the app's logger once the app runs). `restore`
 * closes the app and puts the streams back.
 */
export async function startAppWithCapturedLog(options: Omit<TestAppOptions, 'logger'> = {}): Promise<{ t: TestApp; logged: string[]; restore(): Promise<void> }> {
  const capture = captureOutput();
  try {
    const t = await startTestApp({ ...options, logger: new AppLogger('debug') });
    new Logger('Test').log('Loggen fångas.');
    expect(capture.logged.join('')).toContain('Loggen fångas.');
    return {
      t,
      logged: capture.logged,
      restore: async () => {
        await t.close();
        capture.restore();
      },
    };
  } catch (error) {
    capture.restore();
    throw error;
  }
}
