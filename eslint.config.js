// Lint rules: neostandard (the Fastify ecosystem's style) with TypeScript.
import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: [
      '**/node_modules/**', '**/dist/**', '**/bundle/**', '.data/**', '.tap/**', 'bench/results/**', 'coverage/**',
      'test-artifacts/**'
    ]
  }),
  {
    rules: {
      // A TypeBox schema and its Static type share one name on purpose.
      '@typescript-eslint/no-redeclare': 'off',
      // `void promise` marks a deliberately unawaited call in signal handlers.
      'no-void': ['error', { allowAsStatement: true }],
      // Lines stay within 120 columns (URLs and regular expressions aside).
      '@stylistic/max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }]
    }
  }
]
