// Minimal typings for the part of @nlpjs/lang-sv the engine uses (the package ships none).
declare module '@nlpjs/lang-sv' {
  export class StemmerSv {
    stemWord(word: string): string;
  }
  export class StopwordsSv {
    dictionary: Record<string, boolean>;
  }
}
