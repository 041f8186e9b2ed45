import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { AuthenticatedRequest, isApiRequest } from '../auth/auth-user';
import { DomainError, FieldProblem } from '../errors/domain-error';
import { hasValidCsrfToken } from '../security/csrf';
import { ResumableForms } from '../security/resumable-forms';
import { PageRenderer } from '../templates/page-renderer';
import { formValues } from '../validation/validation';

interface ErrorBody {
  error: { code: string; message: string; fields?: FieldProblem[]; details?: Record<string, unknown> };
}

/** Swedish messages for what the HTTP stack itself refuses. */
const HTTP_MESSAGES: Record<number, { code: string; message: string }> = {
  400: { code: 'bad_request', message: 'Begäran kunde inte tolkas. Kontrollera uppgifterna och försök igen.' },
  401: { code: 'unauthenticated', message: 'Du behöver logga in.' },
  403: { code: 'forbidden', message: 'Du har inte behörighet till det här.' },
  404: { code: 'not_found', message: 'Sidan eller uppgiften finns inte. Kontrollera adressen.' },
  405: { code: 'method_not_allowed', message: 'Metoden stöds inte här.' },
  406: { code: 'not_acceptable', message: 'Formatet stöds inte.' },
  408: { code: 'timeout', message: 'Begäran tog för lång tid. Försök igen.' },
  409: { code: 'conflict', message: 'Uppgiften krockar med något som redan finns.' },
  413: { code: 'payload_too_large', message: 'Det du skickade är för stort.' },
  415: { code: 'unsupported_media_type', message: 'Innehållstypen stöds inte. Skicka JSON eller ett formulär.' },
  422: { code: 'unprocessable', message: 'Uppgifterna kunde inte behandlas.' },
  429: { code: 'too_many_requests', message: 'För många försök. Vänta en stund och försök igen.' },
  500: { code: 'internal_error', message: 'Något gick fel hos oss. Försök igen om en stund.' },
  503: { code: 'unavailable', message: 'Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.' },
};

function statusOf(exception: unknown): number {
  if (exception instanceof DomainError) return exception.status;
  if (exception instanceof HttpException) return exception.getStatus();
  // Errors raised by fastify itself (body parsing, size limits) carry a statusCode.
  if (exception instanceof Error && 'statusCode' in exception) {
    const code = (exception as Error & { statusCode: unknown }).statusCode;
    if (typeof code === 'number' && code >= 400 && code < 600) return code;
  }
  return 500;
}

/** Turns any error into a Swedish answer: JSON for /api, a page otherwise. Internals never leak. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Fel');

  constructor(
    private readonly pages: PageRenderer,
    private readonly resumable: ResumableForms,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<AuthenticatedRequest>();
    const reply = context.getResponse<FastifyReply>();
    const status = statusOf(exception);
    const fallback = HTTP_MESSAGES[status] ?? (status >= 500 ? HTTP_MESSAGES[500] : HTTP_MESSAGES[400]);
    const body: ErrorBody =
      exception instanceof DomainError
        ? {
            error: {
              code: exception.code,
              message: exception.message,
              ...(exception.fields.length ? { fields: exception.fields } : {}),
              ...(exception.details ? { details: exception.details } : {}),
            },
          }
        : { error: { code: fallback.code, message: fallback.message } };

    if (status >= 500) {
      // Only the stack: request bodies may hold personal data and are never logged.
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`${request.method} ${request.url.split('?')[0]} → ${status}`, stack);
    }
    if (reply.sent) return;

    if (isApiRequest(request)) {
      if (status === 401) reply.header('www-authenticate', 'Bearer realm="avvikelser"');
      void reply.status(status).header('cache-control', 'no-store').send(body);
      return;
    }
    if (status === 401 && request.method === 'POST' && this.resumeForm(request, reply)) return;
    if (status === 401) {
      const next = request.method === 'GET' ? `?nasta=${encodeURIComponent(request.url)}` : '';
      void reply.redirect(`/logga-in${next}`, 303);
      return;
    }
    try {
      this.pages.send(request, reply, 'error', { status, message: body.error.message, code: body.error.code }, { status });
    } catch (renderError) {
      this.logger.error('Felsidan kunde inte visas', renderError instanceof Error ? renderError.stack : String(renderError));
      void reply.status(status).header('content-type', 'text/plain; charset=utf-8').send(body.error.message);
    }
  }

  /**
   * A text form posted after the login ended: show it again, filled in, with a way to sign in
   * in another tab and send again. Nothing posted is stored or logged. Only when the request's
   * CSRF token matches this browser's cookie, so another site cannot make us show its text.
   */
  private resumeForm(request: AuthenticatedRequest, reply: FastifyReply): boolean {
    if (!hasValidCsrfToken(request)) return false;
    const found = this.resumable.find(request.url.split('?')[0]);
    if (!found) return false;
    const values = formValues(request.body);
    void found.form
      .render(request, values, found.match)
      .then((page) => {
        if (page) this.pages.send(request, reply, page.template, { ...page.data, sessionEnded: true }, { status: 401 });
        else void reply.redirect('/logga-in', 303);
      })
      .catch((error: unknown) => {
        this.logger.error('Formuläret kunde inte visas igen', error instanceof Error ? error.stack : String(error));
        if (!reply.sent) void reply.redirect('/logga-in', 303);
      });
    return true;
  }
}
