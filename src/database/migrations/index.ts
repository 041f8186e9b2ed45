import { OrganisationAndAccess1763900000000 } from './1763900000000-organisation-and-access';
import { SeedDefaultOrganisation1763900000001 } from './1763900000001-seed-default-organisation';
import { MailOutbox1763900000100 } from './1763900000100-mail-outbox';
import { JobRun1763900000101 } from './1763900000101-job-run';
import { Deviation1763900000200 } from './1763900000200-deviation';
import { Barrier1763900000300 } from './1763900000300-barrier';
import { BarrierEngineSeen1763900000301 } from './1763900000301-barrier-engine-seen';
import { Letter1763900000400 } from './1763900000400-letter';
import { DeviationReminder1763900000600 } from './1763900000600-deviation-reminder';
import { MailOutboxContext1763900000700 } from './1763900000700-mail-outbox-context';
import { BarrierLocalFix1763900000800 } from './1763900000800-barrier-local-fix';
import { BarrierMemberWithoutForeignKeys1763900000900 } from './1763900000900-barrier-member-without-foreign-keys';
import { BarrierMemberAnchoring1763900001000 } from './1763900001000-barrier-member-anchoring';
import { BarrierMemberBetterPlace1763900001100 } from './1763900001100-barrier-member-better-place';
import { DeviationReporterView1763900001230 } from './1763900001230-deviation-reporter-view';
import { OrganisationNameIgnoringCase1763900001300 } from './1763900001300-organisation-name-ignoring-case';
import { DeviationImportedAt1763900001400 } from './1763900001400-deviation-imported-at';
import { DeviationEmbedding1763900001500 } from './1763900001500-deviation-embedding';
import { LoginAttemptCleared1763900001620 } from './1763900001620-login-attempt-cleared';
import { BarrierEngineLanguageModel1763900001650 } from './1763900001650-barrier-engine-language-model';
import { LetterSender1763900001700 } from './1763900001700-letter-sender';
import { LetterAnswerReceived1763900001800 } from './1763900001800-letter-answer-received';
import { DeviationEventRedaction1763900001900 } from './1763900001900-deviation-event-redaction';
import { DeviationView1763900001910 } from './1763900001910-deviation-view';
import { LetterIdNumbersConfirmed1763900002000 } from './1763900002000-letter-id-numbers-confirmed';

/** In order. Each is reviewed SQL with up and down; the schema is never synchronised. */
export const ALL_MIGRATIONS = [OrganisationAndAccess1763900000000, SeedDefaultOrganisation1763900000001, MailOutbox1763900000100, JobRun1763900000101, Deviation1763900000200, Barrier1763900000300, BarrierEngineSeen1763900000301, Letter1763900000400, DeviationReminder1763900000600, MailOutboxContext1763900000700, BarrierLocalFix1763900000800, BarrierMemberWithoutForeignKeys1763900000900, BarrierMemberAnchoring1763900001000, BarrierMemberBetterPlace1763900001100, DeviationReporterView1763900001230, OrganisationNameIgnoringCase1763900001300, DeviationImportedAt1763900001400, DeviationEmbedding1763900001500, LoginAttemptCleared1763900001620, BarrierEngineLanguageModel1763900001650, LetterSender1763900001700, LetterAnswerReceived1763900001800, DeviationEventRedaction1763900001900, DeviationView1763900001910, LetterIdNumbersConfirmed1763900002000];
