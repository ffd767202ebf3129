/**
 * Layering of the code base (see docs/internals.md, "Architecture"); checked on the TypeScript sources,
 * type-only imports included.
 *
 * Processes: cli/ starts the coordinator/, worker/ and dashboard/, which know src/ and not each
 * other. src/ is the library, in the layers of SRC_LAYERS below, lowest first: a folder imports
 * only folders of lower layers, never one of its own layer or above, so src/'s folders cannot
 * form a cycle again (no-circular sees files only, and eight folders once formed one).
 *
 *   core                          direction, trial states, metrics, objective, run reports: a leaf
 *   errors files logging          no domain knowledge
 *   validation < space < random   checking input, search spaces, seeded randomness
 *   samplers pruners datasets     the algorithms and the data, knowing only the layers above
 *   importance training synthetic what a trial runs (training, its synthetic stand-in, the user's
 *   user-code population          own program or module), importance, PBT's population
 *   execution                     the run contract between coordinator and workers: it knows the task kinds
 *   store                         keeps study definitions (task, sampler, pruner) and trials
 *   study                         the Study (ask/tell) over a store and a sampler
 *   wire report config            protobuf codecs, HTML reports, sweep files
 *   rpc views                     the gRPC client; the JSON that the CLI prints and the dashboard serves
 */

/** src/ folders, lowest layer first, each with why it sits where it does. */
const SRC_LAYERS = [
  { folders: ['core'], why: 'the vocabulary every folder shares; it imports nothing (rule src-core-is-a-leaf)' },
  { folders: ['errors', 'files', 'logging'], why: 'error classes, bounded file reads and the logger serve every domain and know none' },
  { folders: ['validation'], why: 'zod problems become path problems here, for every schema above' },
  { folders: ['space'], why: 'a search space is checked input that samplers, tasks and the store all refer to' },
  { folders: ['random'], why: 'seed streams hash parameter values, so they know the space' },
  {
    folders: ['samplers', 'pruners', 'datasets'],
    why: 'each works from the vocabulary, a space and seeds alone, and knows neither the task nor the store',
  },
  {
    folders: ['importance', 'training', 'synthetic', 'user-code', 'population'],
    why: "what a trial runs (and importance, a reading of finished trials) uses samplers' maths or datasets, not the contract that hands runs out",
  },
  { folders: ['execution'], why: 'a run assignment carries its task: execution knows the task kinds, which know nothing of execution' },
  { folders: ['store'], why: 'the store keeps whole study definitions (task, sampler, pruner), so it sits above all of them' },
  { folders: ['study'], why: 'a Study drives a sampler over a store' },
  { folders: ['wire', 'report', 'config'], why: 'codecs, reports and sweep files put the library together; none needs another' },
  { folders: ['rpc', 'views'], why: 'the gRPC client sends through the wire codecs; views turn store records and wire replies into JSON' },
];

const ALL_SRC_FOLDERS = SRC_LAYERS.flatMap((layer) => layer.folders);

/** One rule a layer: its folders import neither each other nor any folder of a higher layer. */
const layerRules = SRC_LAYERS.slice(1).map((layer, index) => {
  const higher = SRC_LAYERS.slice(index + 2).flatMap((above) => above.folders);
  return {
    name: `src-layer-${layer.folders.join('-')}`,
    severity: 'error',
    comment: `src/ layer ${index + 1} (${layer.folders.join(', ')}): ${layer.why}. It may import only lower layers: not ${[...(layer.folders.length > 1 ? ['its own other folders'] : []), ...higher].join(', ') || 'anything else'}.`,
    from: { path: `^src/(${layer.folders.join('|')})/` },
    to: { path: `^src/(${[...layer.folders, ...higher].join('|')})/`, pathNot: '^src/$1/' },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'src-core-is-a-leaf',
      severity: 'error',
      comment:
        'src/core holds the words every folder shares (direction, trial states, metrics): importing anything but itself and Node would make it a folder like the others, and the cycles it broke would come back.',
      from: { path: '^src/core/' },
      to: { pathNot: '^src/core/', dependencyTypesNot: ['core'] },
    },
    ...layerRules,
    {
      name: 'src-folder-has-a-layer',
      severity: 'error',
      comment: 'A new folder of src/ goes into SRC_LAYERS at the top of this file, or nothing would keep it out of a cycle.',
      from: {},
      to: { path: `^src/(?!(${ALL_SRC_FOLDERS.join('|')})/)[^/]+/` },
    },
    {
      name: 'tensorflow-only-in-training',
      severity: 'error',
      comment:
        'TensorFlow.js takes a second and hundreds of MB to load: only src/training (which worker threads import) may load it, so the library, the coordinator and the CLI start without it (test/study/no-tensorflow.test.ts checks that at run time).',
      from: { pathNot: '^(src/training|worker|test|bench)/' },
      to: { path: 'node_modules/@tensorflow/' },
    },
    {
      name: 'module-threads-without-tensorflow',
      severity: 'error',
      comment:
        "A module task's threads run the user's code only: they load TensorFlow.js when the user's module does, never on their own (nothing worker/module imports may reach @tensorflow).",
      from: { path: '^worker/module/' },
      to: { path: 'node_modules/@tensorflow/', reachable: true },
    },
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
      comment:
        "The dashboard reads the trial store; the coordinator hands it its live state as a callback, so neither depends on the other. The JSON it serves is the CLI's --json output, built by the same functions in src/views.",
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^(coordinator|worker|cli)/' },
    },
    {
      name: 'page-script-imports-types-only',
      comment:
        "dashboard/browser/ is the page script, built for the browser on its own: from the server's side it may import types (the JSON it reads, shared vocabulary), which vanish in the build; any other import would be fetched by the browser and is not served.",
      severity: 'error',
      from: { path: '^dashboard/browser/' },
      to: { pathNot: '^dashboard/browser/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'server-not-to-page-script',
      comment: "The server serves the page script's compiled files; it does not import its code, which is built for the browser.",
      severity: 'error',
      from: { path: '^(src|coordinator|worker|cli|dashboard)/', pathNot: '^dashboard/browser/' },
      to: { path: '^dashboard/browser/' },
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
      comment:
        'sweeper --version, --help and the parsing of every command load cli/main.ts, the command definitions and their option helpers only; a command\'s code (gRPC, SQLite, pino...) is imported with `await import()` when it runs, so that start-up stays near Node\'s own (bench/README, "start-up"). test/cli/lazy-commands.test.ts checks the whole graph at run time.',
      from: {
        path: '^cli/(main|shared-options|option-parsers|report-error|software-version|exit-codes)\\.ts$|^cli/commands/.*-(definition|options)\\.ts$',
      },
      to: {
        dependencyTypesNot: ['type-only', 'dynamic-import'],
        path: 'node_modules/|^(coordinator|worker)/|^cli/commands/.*-command\\.ts$',
        pathNot: 'node_modules/commander/',
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
