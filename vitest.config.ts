import { defineConfig } from 'vitest/config';

// Forks keep a native crash (a Verilated model calling abort) inside one worker process.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'build/**', 'rtl-out/**'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    reporters: ['default'],
  },
});
