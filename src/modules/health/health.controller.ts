import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../../common/auth/auth.decorators';
import { AppConfigService } from '../../config/app-config.service';

@ApiTags('drift')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfigService,
  ) {}

  /** For load balancers and docker-compose: 200 when the database answers, 503 when not. */
  @Public()
  @Get()
  async check(@Res() reply: FastifyReply): Promise<FastifyReply> {
    const started = performance.now();
    try {
      await this.dataSource.query('SELECT 1');
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      return reply.status(200).send({
        status: 'ok',
        database: { status: 'up', embedded: this.config.embeddedDatabase, latencyMs },
      });
    } catch {
      return reply.status(503).send({ status: 'error', database: { status: 'down', embedded: this.config.embeddedDatabase } });
    }
  }
}
