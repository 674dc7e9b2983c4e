import { readFileSync } from 'node:fs';
import { URL } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// What each folder's README says it may not import (see src/*/README.md).
const forbid = (...groups) => ({ patterns: groups.flat() });
const PRISMA = [
  { group: ['**/generated/**', '@prisma/*'], message: 'The database is reached through src/adapters/db.' },
];
const PLATFORM_LIBS = [
  {
    group: ['twitter-api-v2', 'twitter-api-v2/*', 'feedsmith', 'feedsmith/*', '@atproto/*'],
    message: 'Platform libraries stay in their adapter.',
  },
];
const WEB = [{ group: ['fastify', '@fastify/*'], message: 'Fastify belongs to src/http.' }];
const NODE_IO = [
  {
    group: ['node:fs', 'node:fs/*', 'node:net', 'node:http', 'node:https', 'node:child_process', 'pino'],
    message: 'src/core does no I/O.',
  },
];
const layer = (names, message) => [{ group: names.flatMap((n) => [`**/${n}/**`, `../${n}/*`, `./${n}/*`]), message }];
const restrict = (files, ...groups) => ({ files, rules: { 'no-restricted-imports': ['error', forbid(...groups)] } });

const NO_ENUMS = { selector: 'TSEnumDeclaration', message: 'Use an as-const object or a union.' };
// The client's model delegates (`db.post`, `tx.account`, ...), named after the schema's models.
const MODELS = [...readFileSync(new URL('./prisma/schema.prisma', import.meta.url), 'utf8').matchAll(/^model (\w+)/gm)]
  .map(([, name]) => name[0].toLowerCase() + name.slice(1))
  .join('|');
const DELEGATE_METHODS =
  'findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy';
const DB_IN_REPOSITORIES = 'Jobs query the database through the repositories of src/adapters/db.';
// Jobs may delimit a unit of work ($transaction) and hand its transaction to
// repositories, but never query: no raw SQL, no model delegate.
const NO_QUERIES_IN_JOBS = [
  NO_ENUMS,
  { selector: 'MemberExpression[property.name=/^\\$(queryRaw|executeRaw)/]', message: DB_IN_REPOSITORIES },
  {
    selector: `MemberExpression[object.type='MemberExpression'][object.property.name=/^(${MODELS})$/][property.name=/^(${DELEGATE_METHODS})$/]`,
    message: DB_IN_REPOSITORIES,
  },
];
const folderRules = [
  restrict(
    ['src/core/**/*.ts'],
    PRISMA,
    PLATFORM_LIBS,
    WEB,
    NODE_IO,
    layer(['adapters', 'jobs', 'ports', 'service', 'cli', 'http'], 'src/core is pure: it imports only src/core.'),
  ),
  restrict(
    ['src/ports/**/*.ts'],
    PRISMA,
    PLATFORM_LIBS,
    WEB,
    NODE_IO,
    layer(['adapters', 'jobs', 'service', 'cli', 'http'], 'src/ports declares shapes over src/core types only.'),
  ),
  restrict(
    ['src/jobs/**/*.ts'],
    PRISMA,
    PLATFORM_LIBS,
    WEB,
    layer(['service', 'cli'], 'Jobs reach platforms through src/ports and are wired by src/service.'),
    // Every adapter folder but these is a platform's (x/, and each platform added beside it).
    [
      {
        group: [
          '**/adapters/*/**',
          '!**/adapters/db/**',
          '!**/adapters/articles/**',
          '!**/adapters/fetch/**',
          '!**/adapters/alerts/**',
        ],
        message: 'Jobs reach platforms through src/ports and are wired by src/service.',
      },
    ],
  ),
  {
    files: ['src/jobs/**/*.ts'],
    // The import job's storage is being moved into the posts repository; until then it queries directly.
    ignores: ['src/jobs/import-*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...NO_QUERIES_IN_JOBS] },
  },
  restrict(
    ['src/adapters/**/*.ts'],
    WEB,
    layer(
      ['jobs', 'service', 'cli', 'http'],
      'Adapters implement ports and repositories; jobs call them, never the reverse.',
    ),
  ),
  restrict(['src/http/**/*.ts'], PRISMA, PLATFORM_LIBS, layer(['cli'], 'src/http does not reach into the CLI.')),
  restrict(['src/cli/**/*.ts'], PRISMA, PLATFORM_LIBS, WEB, layer(['http'], 'The CLI does not reach into src/http.')),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/generated/', 'data/', 'coverage/', 'src/http/public/', 'tests/fixtures/import/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': ['error', NO_ENUMS],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through loadConfig.' },
      ],
    },
  },
  {
    files: ['bin/*', 'scripts/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  ...folderRules,
);
