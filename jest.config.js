// Unit specs live beside the code (src, *.spec.ts); integration and e2e specs in test/.
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2023',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
}];

const fs = require('node:fs');
const path = require('node:path');

// Nest 12 and several dependencies ship only ESM; jest's CommonJS runtime needs them transpiled.
// Found from package.json "type": "module" rather than listed by hand, so an upgrade cannot break it.
function esmOnlyPackages() {
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  const isEsm = (dir) => {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      return pkg.type === 'module' && !(pkg.exports && JSON.stringify(pkg.exports).includes('"require"')) && !pkg.main?.endsWith('.cjs');
    } catch {
      return false;
    }
  };
  for (const entry of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    if (entry.startsWith('@')) {
      for (const sub of fs.readdirSync(path.join(root, entry))) if (isEsm(path.join(root, entry, sub))) names.push(`${entry}/${sub}`);
    } else if (isEsm(path.join(root, entry))) names.push(entry);
  }
  return names.map((name) => name.replace(/[.+]/g, '\\$&'));
}
const esmOnly = ['@nestjs', ...esmOnlyPackages()];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: { '^.+\\.(t|j|mj)sx?$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
