import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { registerCsrf } from './common/security/csrf';
import { securityHeaders } from './common/security/security-headers';
import { templatesRoot } from './common/templates/template-renderer';
import { stripNul } from './common/validation/strip-nul';
import { decodeImportFile } from './modules/import-export/import-decoding';
import { AppValidationPipe } from './common/validation/validation';
import { AppConfigService } from './config/app-config.service';

export interface CreateAppOptions {
  poolSize: number;
  logger?: LoggerService | false;
}

/** Builds the whole HTTP application; main.ts and the e2e tests share it, so tests run what ships. */
export async function createApp(config: AppConfigService, options: CreateAppOptions): Promise<NestFastifyApplication> {
  // The client address counts in the sign-in limits; X-Forwarded-For only from proxies named in TRUST_PROXY.
  const trustedProxies = config.env.trustedProxies;
  const adapter = new FastifyAdapter({ bodyLimit: 10 * 1024 * 1024, trustProxy: trustedProxies.length ? trustedProxies : false });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, options.poolSize), adapter, {
    logger: options.logger ?? undefined,
    bufferLogs: false,
  });

  // Nest's fastify adapter types lag behind fastify 5's plugin types; the plugins are fastify 5 ones.
  await app.register(fastifyCookie as never);
  const fastify = app.getHttpAdapter().getInstance();
  const headers = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(fastifyStatic as never, { root: join(templatesRoot(), 'static'), prefix: '/static/', decorateReply: false } as never);
  registerCsrf(fastify, config.env.APP_SECRET, config.secureCookies);
  // Import files arrive as plain text (JSONL or CSV); up to 50 MB, in UTF-8, UTF-16 with a BOM or Windows-1252.
  fastify.addContentTypeParser(
    ['text/csv', 'application/x-ndjson', 'application/jsonl', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: 50 * 1024 * 1024 },
    (_request: unknown, body: string | Buffer, done: (error: Error | null, value?: string) => void) =>
      done(null, typeof body === 'string' ? body : decodeImportFile(body)),
  );

  fastify.addHook('preValidation', async (request: { body: unknown }) => {
    request.body = stripNul(request.body);
  });

  app.useGlobalPipes(new AppValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Avvikelser API')
      .setDescription('Avvikelserapporter, strukturella hinder och skrivelser. Autentisering med API-nyckel (Bearer).')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  return app;
}
