// The house's import rules, checked by `npm test` (depcruise). Why each exists is in docs/architecture.md.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No module cycles anywhere: a cycle makes load order and the layers ambiguous.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-the-edges',
      comment:
        'src/ is the domain and its adapters: only its entry points (the server, the terminal, a Lambda entry) may import commands/ or handlers/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main|server|cli|lambda)\\.ts$' },
      to: { path: '^(commands|handlers)/' },
    },
    {
      name: 'no-slack-io-in-src',
      comment: 'Slack I/O (Bolt, the Web API client) lives only at the edge, in commands/ and handlers/.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '@slack/(bolt|web-api|socket-mode)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'handlers-through-the-dispatcher',
      comment:
        'A handler reaches a subcommand only through the dispatcher (and the router and answer poster), never a subcommand’s own file.',
      severity: 'error',
      from: { path: '^handlers/' },
      to: { path: '^commands/', pathNot: '^commands/(dispatch|router|answer|spec)\\.ts$' },
    },
    {
      name: 'commands-not-to-handlers',
      comment: 'Subcommands do not reach into the other ways in; what both need lives in src/.',
      severity: 'error',
      from: { path: '^commands/' },
      to: { path: '^handlers/' },
    },
    {
      name: 'domains-not-to-adapters',
      comment:
        'A domain declares the ports it needs; the store adapters implement them and depend on the domain, never the other way round.',
      severity: 'error',
      from: { path: '^src/(alerts|hygiene|audit|schedule|posture|digest|trail)/' },
      to: { path: '^src/store/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    moduleSystems: ['es6', 'cjs'],
  },
};
