import { DataSourceOptions } from 'typeorm';
import { SafeTypeOrmLogger } from './safe-typeorm.logger';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { ALL_MIGRATIONS } from './migrations';

export interface DatabaseConnection {
  url: string;
  poolSize: number;
}

/** One place that knows how the app talks to Postgres: the app, the CLI and the tests share it. */
export function buildDataSourceOptions(connection: DatabaseConnection): DataSourceOptions {
  return {
    type: 'postgres',
    url: connection.url,
    // Entities come from each feature module's TypeOrmModule.forFeature (autoLoadEntities).
    entities: [],
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'schema_migration',
    migrationsRun: false,
    synchronize: false,
    // The schema comes from migrations, which use the built-in gen_random_uuid(); TypeORM need not
    // install uuid-ossp (the embedded database cannot, and warned about it on every start).
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    extra: { max: connection.poolSize, connectionTimeoutMillis: 10_000 },
    logging: ['error', 'warn', 'migration'],
    logger: new SafeTypeOrmLogger(),
    maxQueryExecutionTime: 2000,
  };
}
