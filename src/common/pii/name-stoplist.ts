/**
 * Capitalised words that are not person names even though name datasets contain many of them
 * ("Men", "Dag", "Salem", "Region"): Swedish function words and common sentence openers, words
 * of this domain (authorities, services, staff roles), kommuner and places around the project,
 * months and weekdays. All lower case; compared with the token lower-cased, not folded, so
 * "hår" and "har" stay apart.
 */
const SWEDISH_FUNCTION_WORDS = `
och men att det den de dem denna denne detta dessa som han hon hen vi ni du jag man mig dig oss er sig
honom henne hans hennes deras min sina dess sin sitt mitt mina din ditt dina vår vårt våra ert era mej dej
är var vara varit blir blev bli blivit har hade haft ha kan kunde kunna kunnat ska skall skulle vill ville
velat måste bör borde får fick fått få går gick gått gör gjorde gjort göra kommer kom kommit tar tog tagit
ger gav gett givit säger sa sade sagt finns fanns funnits behöver behövde verkar verkade vet visste tror
trodde tycker tyckte ser såg står stod ligger låg börjar började slutar slutade fortsätter fortsatte
känner kände hör hörde lyckades saknas saknades väntar väntade gäller gällde avser avsåg rör
handlar handlade kontakta kontaktade ring ringde mejla mejlade skicka skickade träffa träffade besök besökte
hjälp hjälpte fråga frågade
i på av för till från med mot om under över efter före innan sedan vid hos genom utan inom mellan bland
enligt trots via per kring runt bakom framför utanför inför åt ur ifrån angående gällande beträffande
inte ej icke också även bara endast redan ännu fortfarande snart ofta aldrig alltid ibland igen nu då sen
så här där dit hit hur vad vem vems vilken vilket vilka varför när vart varifrån
ja nej tack hej hejsan
en ett alla allt inga ingen inget någon något några många flera fler mer mera mest mindre minst hela halva
andra annan annat samma varje vissa viss sådan sådana sådant båda bägge själv själva
eftersom medan därför dock alltså dessutom tyvärr däremot samtidigt slutligen först sist senare tidigare
idag igår imorgon nyligen just kanske troligen förmodligen egentligen faktiskt visserligen annars både
varken antingen eller fast fastän om när ifall även tills
ny nya nytt gammal gamla stor stora stort liten lilla små ung unga bra dålig dåligt sämre bättre bäst
viktigt viktig svårt svår lätt oklart oklar tydligt otydligt inget ingenting allting
första andra tredje fjärde femte sista nästa förra
ett två tre fyra fem sex sju åtta nio tio elva tolv
`;

const DOMAIN_WORDS = `
deltagaren deltagarna deltagare deltagares dlt handläggaren handläggarna handläggare arbetscoachen arbetscoach
arbetscoacher coach coachen case manager managern läkaren läkare läkarna doktor doktorn vården kommunen
kommuner kommun regionen region myndigheten myndigheterna myndighet projektet projekt teamet team
samverkansteamet samverkansteam ärendet ärende beslutet beslut intyget intyg läkarintyg läkarintyget
mötet möte möten samtal samtalet kontakt kontakten planen plan planering handlingsplan utredning utredningen
bedömning bedömningen ersättning ersättningen försörjning försörjningsstöd ekonomiskt ekonomisk bistånd
sjukpenning sjukpenningen aktivitetsstöd aktivitetsersättning lönebidrag arbetsträning arbetsträningen
praktik praktiken insats insatsen insatser stöd matchning rehab förrehab rehabilitering förrehabilitering
samordning samverkan samtycke samtycket sekretess information avvikelse avvikelsen hinder skrivelse
arbetsförmedlingen arbetsförmedling försäkringskassan försäkringskassa socialtjänsten socialtjänst soc
socialkontoret vårdcentral vårdcentralen psykiatrin psykiatri vuxenpsykiatrin beroendevården beroende
habiliteringen skatteverket migrationsverket kronofogden csn komvux sfi samhall lernia jobbtorg jobbtorget
jobbcentrum arbetsmarknadsenheten nationella rådet samordningsförbundet samordningsförbund finsam esf mia
vidare mobilisering arbete delprojekt delprojektet delprojektledare verksamhetsutvecklare administratör
medarbetare medarbetaren chef chefen projektledare projektledaren samordnare samordnaren tolk tolken
socialsekreterare socialsekreteraren psykolog psykologen kurator kuratorn sjuksköterska sjuksköterskan
arbetsterapeut arbetsterapeuten fysioterapeut fysioterapeuten specialist koordinator koordinatorn
rehabkoordinator rehabkoordinatorn förvaltare god gode stadsdel stadsdelen stadsdelsförvaltning
landsting landstinget län länet stad staden sjukhus sjukhuset akuten bup lss lsb ivo sll esf-rådet
lex ungdom unga vuxna vuxen svenska svensk sverige sankt röda korset kyrkan stadsmissionen
försäkringsmedicin ams sgi af fk karolinska danderyds södersjukhuset ersta capio aleris praktikertjänst
vidare steg lyft start kraft framtid väg vägen nästa
mamma pappa mor far son sonen dotter dottern bror brodern syster systern make maken maka makan fru frun sambo
sambon barn barnet barnen förälder föräldern föräldrar morbror farbror moster faster mormor farmor morfar farfar
kusin vän vännen granne grannen kompis dr tolk bil hem plan jobb resa buss post bank
microsoft teams zoom skype google meet apple samsung bankid coop ica willys lidl hemköp forum systembolaget
apoteket apotek ikea sl
`;

const MONTHS_AND_DAYS = `
måndag tisdag onsdag torsdag fredag lördag söndag januari februari mars april maj juni juli augusti september
oktober november december jul julen midsommar påsk påsken nyår sommar sommaren höst hösten vinter vintern
våren vecka veckan veckor månad månaden månader år året dag dagen dagar
`;

/** Kommuner of Stockholm county and the places around the project; larger towns elsewhere. */
const PLACES = `
botkyrka danderyd ekerö haninge huddinge järfälla lidingö nacka norrtälje nykvarn nynäshamn salem sigtuna
sollentuna solna stockholm stockholms sundbyberg södertälje tyresö täby upplands väsby upplands-bro bro
vallentuna vaxholm värmdö österåker södertörn södertörns roslagen hbs
flemingsberg tumba tullinge alby fittja hallunda norsborg rönninge jordbro handen vega brandbergen
västerhaninge tungelsta skogås trångsund vårby kista rinkeby tensta husby akalla hjulsta spånga vällingby
hässelby bromma skärholmen farsta rågsved hagsätra högdalen bandhagen årsta liljeholmen södermalm
kungsholmen östermalm norrmalm vasastan hammarby enskede älvsjö hägersten jakobsberg kallhäll barkarby
märsta åkersberga gustavsberg fisksätra skarpnäck hallonbergen rissne sätra ronna hovsjö geneta järna
göteborg malmö uppsala västerås örebro linköping norrköping helsingborg jönköping umeå lund gävle borås
eskilstuna sundsvall karlstad växjö halmstad luleå trollhättan östersund kalmar falun skövde kristianstad
gotland skåne norrland dalarna norden europa
norra södra östra västra centrala mellersta centrum city
somalia syrien irak iran afghanistan eritrea etiopien turkiet polen bosnien serbien kroatien kosovo libanon
finland norge danmark tyskland ukraina ryssland chile thailand vietnam kina indien pakistan
`;

function toSet(...lists: string[]): ReadonlySet<string> {
  const words = new Set<string>();
  for (const list of lists) {
    for (const word of list.split(/\s+/)) if (word.length > 0) words.add(word);
  }
  return words;
}

/**
 * The Swedish function words alone (pronouns, prepositions, conjunctions, auxiliaries, common adverbs): a closed
 * class, none of which names anyone by itself.
 */
export const SWEDISH_FUNCTION_WORD_SET: ReadonlySet<string> = toSet(SWEDISH_FUNCTION_WORDS);

export const NAME_STOPWORDS: ReadonlySet<string> = toSet(SWEDISH_FUNCTION_WORDS, DOMAIN_WORDS, MONTHS_AND_DAYS, PLACES);

/**
 * Stopwords that are also common first names ("Hans Nilsson", "Per Svensson", "Maj Eriksson").
 * They count as a first name only when a known surname follows.
 */
export const AMBIGUOUS_FIRST_NAMES: ReadonlySet<string> = toSet('hans per maj sina min alla dag');

/** Endings of organisation and service names ("Jobbtorget", "Vuxenmottagningen"). */
export const ORGANISATION_SUFFIX_PATTERN =
  /(?:förmedlingen|kassan|tjänsten|kontoret|centralen|verket|kommun|kommunen|regionen|förbundet|enheten|mottagningen|mottagning|psykiatrin|kliniken|klinik|sjukhuset|huset|förvaltningen|nämnden|torget|skolan|gymnasiet|akademin|institutet|byrån|gruppen|teamet|projektet|stiftelsen|föreningen|boendet|vården|hälsan|handläggaren|coachen|läkaren)$/u;
