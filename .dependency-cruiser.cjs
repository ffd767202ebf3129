/** Layering of the code base (see README, "Architecture"); checked on the TypeScript sources, type-only imports included. */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make start-up order fragile and modules impossible to read alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'library-is-not-a-process',
      severity: 'error',
      comment: 'src/ is the library: it must not reach into the processes built on it.',
      from: { path: '^src/' },
      to: { path: '^(coordinator|worker|cli)/' },
    },
    {
      name: 'coordinator-not-to-worker',
      severity: 'error',
      comment: 'The coordinator talks to workers through src/execution contracts only.',
      from: { path: '^coordinator/' },
      to: { path: '^(worker|cli)/' },
    },
    {
      name: 'worker-not-to-coordinator',
      severity: 'error',
      comment: 'Workers run on other machines; they know the contracts in src/, not the coordinator.',
      from: { path: '^worker/' },
      to: { path: '^(coordinator|cli)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
