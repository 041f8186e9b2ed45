import { findPersonNames } from './name-detector';

function matched(text: string): string[] {
  return findPersonNames(text).map((f) => text.slice(f.start, f.end));
}

/** Full names of many origins whose first name the datasets know. */
const KNOWN_NAMES = [
  'Karin Andersson', 'Lars Svensson', 'Åsa Lindqvist', 'Björn Sjöström', 'Torbjörn Pålsson', 'Maj-Britt Sundqvist',
  'Anna-Karin Holmqvist', 'Linnéa Åberg', 'Per Nilsson', 'Hans Eriksson', 'Dag Hedlund', 'Klara Johansson',
  'Ingrid Öberg', 'Aino Mäkinen', 'Eero Virtanen', 'Fatima Warsame', 'Hodan Warsame', 'Abdirahman Farah',
  'Ikram Abdullahi', 'Mohamud Hersi', 'Yonas Habte', 'Mulugeta Haile', 'Ahmed Hassan', 'Rasha Khalil',
  'Waleed Al-Rashid', 'Nour Haddad', 'Omar al-Masri', 'Reza Mohammadi', 'Maryam Karimi', 'Shirin Rahimi',
  'Farhad Ahmadi', 'Najib Rahmani', 'Emre Yıldız', 'Ayşe Çelik', 'Mehmet Öztürk', 'Zeynep Şahin', 'Jelena Petrović',
  'Dragan Nikolić', 'Ivana Marković', 'Katarzyna Wiśniewska', 'Tomasz Kowalczyk', 'Andrei Popescu',
  'Nguyen Van Minh', 'Tran Thi Huong', 'Pham Thanh Tung', 'Wei Zhang', 'Camila Rojas', 'Javier Muñoz',
  'Olena Shevchenko', 'Oksana Bondarenko', 'Chinedu Okafor', 'Ngozi Adeyemi', 'Jean-Pierre Mukendi', 'Priya Sharma',
  'Imran Qureshi', 'Sunita Patel', 'Maria José García López', "Sean O'Brien", 'Amina Yusuf', 'Leyla Demir',
  'Goran Jovanović', 'Ana Silva', 'Sara Ali', 'Eva Lind',
];

/** Names whose first name no dataset knows: found mid-sentence through the surname. */
const RARE_FIRST_NAMES = ['Gösta Månsson', 'Semhar Tesfay', 'Mirsad Hodžić', 'Dženana Kovačević', 'Grace Mbuyi', 'Dmitrij Ivanov'];

describe('findPersonNames', () => {
  describe.each([
    ['after "heter"', 'Deltagaren heter {name} och kom till arbetsträningen.'],
    ['mid-sentence', 'Det gäller {name}, som fick avslag.'],
    ['opening the text', '{name} har inte fått något beslut från FK.'],
    ['opening a later sentence', 'Ärendet avslutas. {name} flyttar till en annan kommun.'],
    ['after a verb', 'Vi träffade {name} på AF igår.'],
    ['after a colon', 'Gäller: {name}'],
  ])('%s', (_where, template) => {
    it.each(KNOWN_NAMES)('finds %s', (name) => {
      expect(matched(template.replace('{name}', name))).toEqual([name]);
    });
  });

  it.each(RARE_FIRST_NAMES)('finds %s mid-sentence or after a cue', (name) => {
    expect(matched(`Det gäller ${name}, som fick avslag.`)).toEqual([name]);
    expect(matched(`Deltagaren heter ${name}.`)).toEqual([name]);
  });

  it('finds a name written in a title and a name with a particle', () => {
    expect(matched('Ahmed Hassan utan ersättning')).toEqual(['Ahmed Hassan']);
    expect(matched('Det gäller Ludwig van Beethoven.')).toEqual(['Ludwig van Beethoven']);
  });

  it('finds a name in the genitive', () => {
    expect(matched('Vi pratade om Karin Anderssons planering.')).toEqual(['Karin Anderssons']);
  });

  it('finds each of several names', () => {
    expect(matched('Både Fatima Warsame och Ali Mohammadi, samt Lars Svensson.')).toEqual([
      'Fatima Warsame',
      'Ali Mohammadi',
      'Lars Svensson',
    ]);
  });

  it('finds the name after a sentence-opening word', () => {
    expect(matched('Enligt Karin Andersson saknas intyget.')).toEqual(['Karin Andersson']);
    expect(matched('Deltagaren Ahmed Hassan kom inte.')).toEqual(['Ahmed Hassan']);
  });

  it.each([
    ['kommuner', 'Haninge, Botkyrka, Södertälje, Stockholm, Täby, Österåker, Nynäshamn, Tyresö, Huddinge, Salem, Nykvarn och Järfälla.'],
    ['kommuner next to each other', 'MIA HBS täcker Huddinge Botkyrka Salem och MIA Roslagen Täby Österåker.'],
    ['subprojects', 'MIA Östra Södertörn, MIA Södertälje och MIA Järfälla deltar.'],
    ['authorities', 'Arbetsförmedlingen i Haninge och Försäkringskassan i Botkyrka svarade inte.'],
    ['an authority and a place', 'Enligt Försäkringskassan Södertälje saknas intyg. Vårdcentralen Jakobsberg skickade inget.'],
    ['the region and the council', 'Region Stockholm och Nationella rådet har fått en skrivelse.'],
    ['staff roles', 'Case Manager på Jobbtorg Stockholm ringde. Arbetscoach och Handläggare var med.'],
    ['services', 'Socialtjänsten, Vårdcentral Tumba, Psykiatrin Södra och Beroendevården Huddinge var inbjudna.'],
    ['programmes', 'Stöd och matchning, Rusta och matcha samt Ny Start och Unga Vuxna var stängda.'],
    ['laws named after people', 'En Lex Sarah-anmälan gjordes och Lex Maria övervägs. Maria Ungdom kontaktades.'],
    ['capitalised sentence openers', 'Men Socialtjänsten sa nej. Sedan Vårdcentralen. Därför Region Stockholm. Nu Arbetsförmedlingen.'],
    ['a heading in title case', 'Glapp Mellan FK Och AF Efter Dag 180'],
    ['day counts', 'Dag 180 och dag 365 passerade.'],
    ['a stopword that is also a first name', 'Hans handläggare på FK slutade. Per Vecka orkar hon lite.'],
    ['lone first names', 'Karin på AF och Ali på FK pratade med Samira.'],
    ['other organisations', 'Svenska Kyrkan, Röda Korset, Stockholms Stadsmission och Samhall Farsta hjälpte till.'],
    ['hospitals', 'Remiss till Karolinska Huddinge och Danderyds Sjukhus.'],
    ['months and weekdays', 'Måndag Januari möte, Fredag December uppföljning.'],
    ['all-caps words', 'AF FK MIA SGI CSN SFI LSS BUP'],
    ['countries', 'Hon kom från Syrien Irak och Afghanistan.'],
  ])('does not report %s', (_what, text) => {
    expect(matched(text)).toEqual([]);
  });

  it('reports offsets and the Swedish label only', () => {
    const text = 'Det gäller Fatima Warsame.';
    expect(findPersonNames(text)).toEqual([{ kind: 'namn', label: 'namn', start: 11, end: 25 }]);
  });
});
