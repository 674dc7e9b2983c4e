// Configuration of the Prisma CLI (generate; and migrate/status on machines
// that have Prisma's schema engine). The running service never reads it.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/onrecord' },
});
