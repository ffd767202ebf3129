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
      name: 'dashboard-reads-the-store',
      comment: 'The dashboard reads the trial store; the coordinator hands it its live state as a callback, so neither depends on the other. The JSON it serves is the CLI\'s --json output, built by the same functions in src/views.',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^(coordinator|worker|cli)/' },
    },
    {
      name: 'coordinator-not-to-dashboard',
      severity: 'error',
      comment: 'The CLI starts the dashboard beside a coordinator; the coordinator does not know it.',
      from: { path: '^coordinator/' },
      to: { path: '^dashboard/' },
    },
    {
      name: 'worker-not-to-coordinator',
      severity: 'error',
      comment: 'Workers run on other machines; they know the contracts in src/, not the coordinator.',
      from: { path: '^worker/' },
      to: { path: '^(coordinator|cli)/' },
    },
    {
      name: 'commands-load-when-they-run',
      severity: 'error',
      comment: 'sweeper --version, --help and the parsing of every command load cli/main.ts, the command definitions and their option helpers only; a command\'s code (gRPC, SQLite, pino...) is imported with `await import()` when it runs, so that start-up stays near Node\'s own (bench/README, "start-up"). test/cli/lazy-commands.test.ts checks the whole graph at run time.',
      from: { path: '^cli/(main|shared-options|option-parsers|report-error|software-version|exit-codes)\\.ts$|^cli/commands/.*-(definition|options)\\.ts$' },
      to: { dependencyTypesNot: ['type-only', 'dynamic-import'], path: 'node_modules/|^(coordinator|worker)/|^cli/commands/.*-command\\.ts$', pathNot: 'node_modules/commander/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
