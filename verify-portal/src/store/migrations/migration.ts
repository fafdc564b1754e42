/**
 * One versioned schema change. Migrations are TypeScript modules (not .sql files) so that no
 * bundler or copy step can leave them behind. Each dialect keeps its own ordered list in
 * `<dialect>/index.ts`; `migrate()` applies, in one transaction, every version above the highest
 * one recorded in `schema_migrations`. Never edit a migration that has shipped: add the next one.
 */
export interface Migration {
  /** 1, 2, 3 … — strictly increasing, no gaps. */
  readonly version: number;
  /** Short kebab-case label, stored in `schema_migrations.name`. */
  readonly name: string;
  /** One or more statements, run as a script. */
  readonly sql: string;
}

/** Throws unless versions are 1..n in order; run by both stores before migrating. */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration list out of order: position ${i} has version ${m.version} (${m.name})`);
    }
  });
}

/**
 * The readiness verdict on the schema: undefined when the database is at exactly `latest`
 * (`current` 0 = never migrated), else why this instance must not serve yet.
 */
export function schemaNotReady(current: number, latest: number): string | undefined {
  if (current === latest) return undefined;
  if (current > latest) return `database schema version ${current} is newer than this build knows (${latest})`;
  return `database schema is at version ${current}, this build needs ${latest}: migrations not applied`;
}
