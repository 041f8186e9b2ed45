import { Global, Module } from '@nestjs/common';
import { PasswordHasher } from './auth/password-hasher';
import { Clock } from './clock/clock';
import { ResumableForms } from './security/resumable-forms';
import { PageRenderer } from './templates/page-renderer';
import { TemplateRenderer } from './templates/template-renderer';

/** Cross-cutting services every feature may inject. */
@Global()
@Module({
  providers: [Clock, PasswordHasher, TemplateRenderer, PageRenderer, ResumableForms],
  exports: [Clock, PasswordHasher, TemplateRenderer, PageRenderer, ResumableForms],
})
export class CommonModule {}
