import { AppLogger } from './app-logger';

describe('AppLogger', () => {
  it('masks personal data in messages and stacks', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const logger = new AppLogger('debug');
      logger.log('Gäller 811218-9876, ring 070-123 45 67', 'Test');
      logger.error('Fel för anna.berg@example.se', 'Error: stack 811218-9876', 'Test');
      logger.log('Mapped {/x, GET} route', 'RouterExplorer');
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
    const output = written.join('');
    expect(output).toContain('[personnummer borttaget]');
    expect(output).toContain('[telefonnummer borttaget]');
    expect(output).toContain('[e-postadress borttagen]');
    expect(output).not.toContain('811218-9876');
    expect(output).not.toContain('anna.berg@example.se');
    expect(output).not.toContain('Mapped');
  });

  it('writes every line to stderr when stdout is kept for data (the CLI)', () => {
    const out: string[] = [];
    const err: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    try {
      const logger = new AppLogger('log', true);
      logger.log('en rad', 'Test');
      logger.warn('en varning', 'Test');
    } finally {
      spy.mockRestore();
      errSpy.mockRestore();
    }
    expect(out.join('')).toBe('');
    expect(err.join('')).toContain('en varning');
  });
});
