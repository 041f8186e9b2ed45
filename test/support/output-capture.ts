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
