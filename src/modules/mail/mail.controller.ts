import { Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { Roles } from '../../common/auth/auth.decorators';
import { AuthenticatedRequest } from '../../common/auth/auth-user';
import { PageRenderer, redirectAfterPost } from '../../common/templates/page-renderer';
import { DomainError } from '../../common/errors/domain-error';
import { MailListQueryDto } from './dto/mail-list-query.dto';
import { mailKindLabel } from './mail-kinds';
import { MAIL_STATUS_LABELS, MailOutbox, MailStatus } from './mail-outbox.entity';
import { MailOutboxService, RenderedMail } from './mail-outbox.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

export interface MailView {
  id: string;
  recipients: string[];
  subject: string;
  template: string;
  /** What kind of mail it is, in Swedish ("Ny avvikelse (till delprojektledaren)"), for people; `template` is the code. */
  kind: string;
  status: MailStatus;
  statusLabel: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  sentAt: Date | null;
  messageId: string | null;
  createdAt: Date;
}

export interface MailDetailView extends MailView {
  text: string;
  html: string;
}

function toView(mail: MailOutbox, content: RenderedMail): MailView {
  return {
    id: mail.id,
    recipients: mail.recipients,
    subject: content.subject,
    template: mail.template,
    kind: mailKindLabel(mail.template),
    status: mail.status,
    statusLabel: MAIL_STATUS_LABELS[mail.status],
    attempts: mail.attempts,
    nextAttemptAt: mail.nextAttemptAt,
    lastError: mail.lastError,
    sentAt: mail.sentAt,
    messageId: mail.messageId,
    createdAt: mail.createdAt,
  };
}

function toDetailView(mail: MailOutbox, content: RenderedMail): MailDetailView {
  return { ...toView(mail, content), text: content.text, html: content.html };
}

/** The outbox for admins: what was sent, what waits, what failed (with the SMTP error), and kept mails to read. */
@ApiTags('e-post')
@ApiBearerAuth()
@Roles('admin')
@Controller()
export class MailController {
  constructor(
    private readonly mail: MailOutboxService,
    private readonly pages: PageRenderer,
  ) {}

  /** Mails queued unrendered (filing) are rendered for display until the worker has filled them in. */
  private view(mail: MailOutbox): MailView {
    return toView(mail, this.mail.content(mail));
  }

  @Get('api/mail')
  async list(@Query() query: MailListQueryDto): Promise<MailView[]> {
    return (await this.mail.list(query)).map((mail) => this.view(mail));
  }

  @Get('api/mail/:id')
  async get(@Param('id', uuid) id: string): Promise<MailDetailView> {
    const mail = await this.mail.get(id);
    return toDetailView(mail, this.mail.content(mail));
  }

  @Post('api/mail/:id/retry')
  async retry(@Param('id', uuid) id: string): Promise<MailView> {
    return this.view(await this.mail.retry(id));
  }

  // Pages.

  @Get('admin/utskick')
  @ApiExcludeEndpoint()
  async listPage(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const [mails, counts] = await Promise.all([this.mail.list({ limit: 200 }), this.mail.countByStatus()]);
    const query = request.query as Record<string, unknown>;
    return this.pages.send(request, reply, 'admin-mail', {
      mails: mails.map((mail) => this.view(mail)),
      counts,
      statusLabels: MAIL_STATUS_LABELS,
      smtpConfigured: this.mail.smtpConfigured,
      retried: query.omlagt === '1',
    });
  }

  @Get('admin/utskick/:id')
  @ApiExcludeEndpoint()
  async detailPage(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    const query = request.query as Record<string, unknown>;
    return this.renderDetail(request, reply, id, { retried: query.omlagt === '1' });
  }

  @Post('admin/utskick/:id/skicka-igen')
  @ApiExcludeEndpoint()
  async retryFromForm(@Req() request: AuthenticatedRequest, @Res() reply: FastifyReply, @Param('id', uuid) id: string): Promise<FastifyReply> {
    try {
      await this.mail.retry(id);
    } catch (error) {
      // No e-mail server, or already sent: said on the mail's page (a 404 stays the error page).
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      return this.renderDetail(request, reply, id, { error: error.message }, error.status);
    }
    return redirectAfterPost(reply, `/admin/utskick/${id}?omlagt=1`);
  }

  private async renderDetail(request: AuthenticatedRequest, reply: FastifyReply, id: string, notice: { retried?: boolean; error?: string }, status = 200): Promise<FastifyReply> {
    const mail = await this.mail.get(id);
    return this.pages.send(
      request,
      reply,
      'admin-mail-detail',
      { mail: toDetailView(mail, this.mail.content(mail)), retried: notice.retried ?? false, error: notice.error ?? null, smtpConfigured: this.mail.smtpConfigured },
      { status },
    );
  }
}
