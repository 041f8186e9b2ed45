import { Readable } from 'node:stream';
import { Body, Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators';
import { DomainError } from '../../common/errors/domain-error';
import { ImportFormat } from './import-parser';
import { checkExportPeriod, ExportFormat, ImportExportService, ImportSummary } from './import-export.service';

function formatOf(query: string | undefined, contentType: string | undefined): ImportFormat {
  const wanted = query ?? (contentType?.includes('csv') ? 'csv' : contentType?.includes('json') ? 'jsonl' : undefined);
  if (wanted === 'jsonl' || wanted === 'csv') return wanted;
  throw new DomainError('format_required', 'Ange format=jsonl eller format=csv (eller skicka med Content-Type text/csv eller application/x-ndjson).', 400);
}

@ApiTags('import och export')
@ApiBearerAuth()
@Roles('admin', 'analyst')
@Controller('api/deviations')
export class ImportExportController {
  constructor(private readonly service: ImportExportService) {}

  @Post('import')
  @HttpCode(200)
  @ApiConsumes('application/x-ndjson', 'text/csv')
  @ApiQuery({ name: 'format', enum: ['jsonl', 'csv'], required: false })
  @ApiBody({ description: 'JSONL (en rapport per rad, som samples/reports.jsonl) eller CSV med samma kolumner och en rubrikrad' })
  async import(@Body() body: unknown, @Query('format') format?: string, @Headers('content-type') contentType?: string): Promise<ImportSummary> {
    if (typeof body !== 'string') {
      throw new DomainError('body_required', 'Skicka filens innehåll som text med Content-Type text/csv eller application/x-ndjson.', 400);
    }
    return this.service.importText(body, formatOf(format, contentType));
  }

  @Get('export')
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiQuery({ name: 'format', enum: ['jsonl', 'csv'] })
  @ApiQuery({ name: 'from', required: false, description: 'ÅÅÅÅ-MM-DD' })
  @ApiQuery({ name: 'to', required: false, description: 'ÅÅÅÅ-MM-DD' })
  export(@Res() reply: FastifyReply, @Query('format') format?: string, @Query('from') from?: string, @Query('to') to?: string): FastifyReply {
    if (format !== 'jsonl' && format !== 'csv') throw new DomainError('format_required', 'Ange format=jsonl eller format=csv.', 400);
    // Before the first byte: a date the database refuses would otherwise cut the download off after its headers.
    checkExportPeriod({ from, to });
    const exportFormat: ExportFormat = format;
    const stamp = new Date().toISOString().slice(0, 10);
    return reply
      .header('content-type', exportFormat === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="avvikelser-${stamp}.${exportFormat}"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(this.service.exportDeviations(exportFormat, { from, to })));
  }
}
