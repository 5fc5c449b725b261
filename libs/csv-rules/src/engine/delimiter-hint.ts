import { DELIMITERS, type Delimiter } from '../parsing/dialect';

const SAMPLE_ROWS = 20;
/** Share of the sampled rows that must hold a character for it to look like the real delimiter. */
const SHARE = 0.8;
const NAMES: Record<Delimiter, string> = { ',': 'comma (,)', ';': 'semicolon (;)', '\t': 'tab', '|': 'pipe (|)' };

/**
 * A file whose header reads as one column while its rows hold `;`, tab or `|` was almost
 * certainly read with the wrong delimiter (e.g. a `;` export given `delimiter: ','`): every
 * row is then one long cell and the report would only say the columns are missing. Samples
 * the first rows and says which delimiter the file looks like.
 */
export class DelimiterHint {
  private readonly candidates: Delimiter[];
  private readonly hits: number[];
  private sampled = 0;
  private done = false;

  constructor(
    private readonly delimiter: Delimiter,
    private readonly header: string,
  ) {
    this.candidates = DELIMITERS.filter((candidate) => candidate !== delimiter);
    this.hits = this.candidates.map(() => 0);
  }

  /** Feeds a non-blank data row; true once enough rows were seen to decide. */
  observe(cells: readonly string[]): boolean {
    if (this.done) return false;
    const text = cells[0] ?? '';
    this.candidates.forEach((candidate, i) => {
      if (text.includes(candidate)) this.hits[i]++;
    });
    return ++this.sampled >= SAMPLE_ROWS;
  }

  /** The warning to give, at most once (null when nothing points to another delimiter). */
  decide(): string | null {
    if (this.done) return null;
    this.done = true;
    let best = -1;
    this.candidates.forEach((candidate, i) => {
      const inRows = this.sampled === 0 ? this.header.includes(candidate) : this.hits[i] >= Math.max(1, this.sampled * SHARE);
      if (inRows && (best === -1 || this.hits[i] > this.hits[best])) best = i;
    });
    if (best === -1) return null;
    const likely = NAMES[this.candidates[best]];
    return (
      `the header reads as a single column but the ${this.sampled === 0 ? 'header holds' : 'rows hold'} a ${likely}: ` +
      `the file looks delimited by ${likely}, not ${NAMES[this.delimiter]}; set the delimiter to ${JSON.stringify(this.candidates[best])}`
    );
  }
}
